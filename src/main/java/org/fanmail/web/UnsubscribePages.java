package org.fanmail.web;

/**
 * The small HTML pages of {@code /unsubscribe/{token}}: one self-contained document each, no
 * scripts, no external resources, every value from the database or the request escaped ({@link
 * #escape}). The forms post back to the page's own URL (no {@code action}), so the token never has
 * to be written into the page.
 */
final class UnsubscribePages {
  private UnsubscribePages() {}

  /** A member link: asks before removing. */
  static String confirm(String listName, String listAddress, String email) {
    return page(
        "Leave " + listName,
        "<p>Remove <strong>"
            + escape(email)
            + "</strong> from the list <strong>"
            + escape(listName)
            + "</strong> &lt;"
            + escape(listAddress)
            + "&gt;?</p>\n"
            + "<form method=\"post\">"
            + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
            + "<button type=\"submit\">Unsubscribe</button></form>\n");
  }

  /** After a removal, or when the member was gone already (the same page: idempotent). */
  static String done(String listName, String listAddress) {
    return page(
        "Unsubscribed",
        "<p>You are no longer subscribed to <strong>"
            + escape(listName)
            + "</strong> &lt;"
            + escape(listAddress)
            + "&gt;. No further posts will be sent to you.</p>\n");
  }

  /** A member link of a list that no longer exists: nothing to leave. */
  static String listGone() {
    return page(
        "Unsubscribed",
        "<p>This list no longer exists; no further posts will be sent from it.</p>\n");
  }

  /** A list-level link: asks for the address to send a confirmation link to. */
  static String askAddress(String listName, String listAddress, String problem) {
    String note = problem == null ? "" : "<p class=\"problem\">" + escape(problem) + "</p>\n";
    return page(
        "Leave " + listName,
        note
            + "<p>To leave <strong>"
            + escape(listName)
            + "</strong> &lt;"
            + escape(listAddress)
            + "&gt;, enter your subscribed address. We will mail it a link that confirms.</p>\n"
            + "<form method=\"post\"><label>Address <input type=\"email\" name=\"email\""
            + " required maxlength=\"254\" autocomplete=\"email\"></label> "
            + "<button type=\"submit\">Send me the link</button></form>\n");
  }

  /** After the form: the same words whether or not the address is a member. */
  static String linkSent(String listName, String email) {
    return page(
        "Check your mail",
        "<p>If <strong>"
            + escape(email)
            + "</strong> is subscribed to <strong>"
            + escape(listName)
            + "</strong>, a message with a link to confirm is on its way to it.</p>\n");
  }

  /** A token that is not ours, was altered, or names a list that is gone. */
  static String invalid() {
    return page(
        "Link not valid",
        "<p>This unsubscribe link is not valid. Use the link in a recent message from the list,"
            + " or write to the list's <em>-leave</em> address.</p>\n");
  }

  /** A confirmation link past its time. */
  static String expired() {
    return page(
        "Link expired",
        "<p>This link has expired. Follow the unsubscribe link in a recent message from the list"
            + " to get a new one.</p>\n");
  }

  /** The request body was too large or not a form. */
  static String badRequest(String why) {
    return page("Bad request", "<p>" + escape(why) + "</p>\n");
  }

  /** The database could not answer. */
  static String unavailable() {
    return page(
        "Try again later", "<p>The service cannot answer right now. Try again later.</p>\n");
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex\">"
        + "<title>"
        + escape(title)
        + "</title><style>body{font-family:sans-serif;max-width:36em;margin:3em auto;"
        + "padding:0 1em;line-height:1.5}button{font-size:1em;padding:.4em 1em}"
        + ".problem{color:#a00}</style></head>\n<body><h1>"
        + escape(title)
        + "</h1>\n"
        + body
        + "</body></html>\n";
  }

  /** HTML text and attribute escaping: {@code & < > " '}. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
