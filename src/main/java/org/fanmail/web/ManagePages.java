package org.fanmail.web;

import static org.fanmail.web.ListPages.document;
import static org.fanmail.web.ListPages.esc;

import org.fanmail.list.DeliveryMode;
import org.fanmail.web.ListPageService.MemberSettings;
import org.fanmail.web.ListPageService.PublicList;

/**
 * The HTML of {@code /manage/{token}}: a member's settings with three forms (delivery mode, own
 * posts, leave) posting back to the page's own URL (no {@code action}, so the token is never
 * written into the page), and the pages for a link that is not valid, has expired, or whose member
 * has left. Every value escaped; no scripts.
 */
final class ManagePages {
  private ManagePages() {}

  /** The settings page; {@code note} says what the last POST changed (null: nothing). */
  static String settings(PublicList l, MemberSettings m, String note) {
    StringBuilder b = new StringBuilder();
    if (note != null) {
      b.append("<p class=\"note\" role=\"status\">").append(esc(note)).append("</p>\n");
    }
    b.append("<p>Settings of <strong>")
        .append(esc(m.email()))
        .append("</strong> on <strong>")
        .append(esc(l.title()))
        .append("</strong> &lt;")
        .append(esc(l.address()))
        .append("&gt;.</p>\n");
    if (m.inEffect() != m.mode()) {
      b.append("<p class=\"meta\">Until the current digest period ends you get ")
          .append(esc(describe(m.inEffect())))
          .append("; then ")
          .append(esc(describe(m.mode())))
          .append(".</p>\n");
    }
    b.append("<h2>How you get posts</h2>\n<form method=\"post\">")
        .append("<input type=\"hidden\" name=\"action\" value=\"mode\"><fieldset>")
        .append("<legend>Delivery</legend>\n");
    for (DeliveryMode mode : DeliveryMode.values()) {
      b.append("<label><input type=\"radio\" name=\"mode\" value=\"")
          .append(mode.name())
          .append('"')
          .append(mode == m.mode() ? " checked" : "")
          .append("> ")
          .append(esc(describe(mode)))
          .append("</label><br>\n");
    }
    b.append("</fieldset><button type=\"submit\">Save</button></form>\n")
        .append("<h2>Your own posts</h2>\n<form method=\"post\">")
        .append("<input type=\"hidden\" name=\"action\" value=\"own\">")
        .append("<label><input type=\"checkbox\" name=\"receiveOwnPosts\" value=\"yes\"")
        .append(m.receiveOwnPosts() ? " checked" : "")
        .append("> Send me a copy of my own posts</label> ")
        .append("<button type=\"submit\">Save</button></form>\n");
    if (l.archive().shown()) {
      b.append("<p><a href=\"/lists/")
          .append(esc(ListPages.segment(l.address())))
          .append("/archive\">The list's archive</a></p>\n");
    }
    b.append("<h2>Leave</h2>\n<form method=\"post\">")
        .append("<input type=\"hidden\" name=\"action\" value=\"leave\">")
        .append("<button type=\"submit\">Leave ")
        .append(esc(l.title()))
        .append("</button></form>\n");
    return document("Your settings", b.toString());
  }

  /** After leaving, or when the member was gone already. */
  static String left(PublicList l) {
    return document(
        "Not subscribed",
        "<p>You are not subscribed to <strong>"
            + esc(l.title())
            + "</strong> &lt;"
            + esc(l.address())
            + "&gt;. No further posts will be sent to you.</p>\n");
  }

  static String invalid() {
    return document(
        "Link not valid", "<p>This link is not valid. Ask for a new one on the list's page.</p>\n");
  }

  static String expired() {
    return document(
        "Link expired", "<p>This link has expired. Ask for a new one on the list's page.</p>\n");
  }

  static String describe(DeliveryMode mode) {
    return switch (mode) {
      case REGULAR -> "every post on its own";
      case DIGEST_MIME -> "a digest (MIME, each post as an attachment)";
      case DIGEST_PLAIN -> "a digest (plain text)";
      case NOMAIL -> "no mail (stay subscribed, e.g. to post)";
    };
  }
}
