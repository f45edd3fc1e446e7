package org.fanmail.web;

import static org.fanmail.web.ListPages.document;
import static org.fanmail.web.ListPages.esc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fanmail.archive.ArchiveReader;
import org.fanmail.archive.ArchiveReader.PostLine;
import org.fanmail.archive.ArchiveReader.ShownMessage;
import org.fanmail.archive.ArchiveReader.ThreadSummary;
import org.fanmail.list.Page;
import org.fanmail.web.ListPageService.PublicList;

/**
 * The HTML of a list's archive pages: threads newest first with their first posts, search results,
 * and one message as escaped text in a {@code <pre>} (its text/plain parts; HTML and other parts
 * only named). Every value from a message (From, Subject, Date, text) is escaped: a message is
 * hostile input.
 */
final class ArchivePages {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ArchivePages() {}

  static String threads(PublicList l, Page<ThreadSummary> page) {
    StringBuilder b = new StringBuilder(header(l, null));
    if (page.items().isEmpty()) {
      b.append("<p>No posts yet.</p>\n");
    }
    b.append("<ol class=\"threads\">\n");
    for (ThreadSummary t : page.items()) {
      b.append("<li><strong>")
          .append(esc(subject(t.subject())))
          .append("</strong> <span class=\"meta\">(")
          .append(t.posts())
          .append(t.posts() == 1 ? " post" : " posts")
          .append(", last ")
          .append(DAY.format(t.lastAt()))
          .append(")</span>\n<ul class=\"thread\">\n");
      for (PostLine p : t.first()) {
        b.append("<li>").append(line(l, p)).append("</li>\n");
      }
      if (t.posts() > t.first().size()) {
        b.append("<li class=\"meta\">and ")
            .append(t.posts() - t.first().size())
            .append(" more</li>\n");
      }
      b.append("</ul></li>\n");
    }
    b.append("</ol>\n").append(pager(l, page, null));
    return document("Archive of " + l.title(), b.toString());
  }

  static String search(PublicList l, String query, Page<PostLine> page) {
    StringBuilder b = new StringBuilder(header(l, query));
    b.append("<p>")
        .append(page.total())
        .append(page.total() == 1 ? " post matches" : " posts match")
        .append(".</p>\n<ul>\n");
    for (PostLine p : page.items()) {
      b.append("<li>").append(line(l, p)).append("</li>\n");
    }
    b.append("</ul>\n").append(pager(l, page, query));
    return document("Archive of " + l.title(), b.toString());
  }

  static String message(PublicList l, ShownMessage m) {
    StringBuilder b = new StringBuilder();
    b.append("<p><a href=\"").append(esc(base(l))).append("\">Back to the archive</a></p>\n");
    b.append("<dl class=\"headers\"><dt>From</dt><dd>")
        .append(esc(orNone(m.from())))
        .append("</dd><dt>Date</dt><dd>")
        .append(esc(m.date() != null ? m.date() : DAY.format(m.receivedAt())))
        .append("</dd><dt>Subject</dt><dd>")
        .append(esc(subject(m.subject())))
        .append("</dd></dl>\n");
    if (m.purged()) {
      b.append("<p>The text of this message is no longer kept.</p>\n");
    } else {
      b.append("<pre>").append(esc(m.text())).append("</pre>\n");
      if (m.cut()) {
        b.append("<p class=\"meta\">The message is longer; only its beginning is shown.</p>\n");
      }
    }
    return document(subject(m.subject()), b.toString());
  }

  static String membersOnly(PublicList l) {
    String how =
        l.advertised()
            ? " Ask for the link to your settings on <a href=\"/lists/"
                + esc(ListPages.segment(l.address()))
                + "\">the list's page</a> and open it."
            : " Open the link to your settings that the list mailed you.";
    return document(
        "Members only",
        "<p>The archive of <strong>"
            + esc(l.title())
            + "</strong> is open to its members."
            + how
            + "</p>\n");
  }

  static String purgedOrGone() {
    return document("Gone", "<p>This message is no longer in the archive.</p>\n");
  }

  private static String header(PublicList l, String query) {
    return "<form method=\"get\" action=\""
        + esc(base(l))
        + "\" role=\"search\"><label>Search subject and sender <input type=\"search\" name=\"q\""
        + " maxlength=\""
        + ArchiveReader.MAX_QUERY
        + "\" value=\""
        + esc(query == null ? "" : query)
        + "\"></label> <button type=\"submit\">Search</button></form>\n";
  }

  private static String line(PublicList l, PostLine p) {
    return "<a href=\""
        + esc(base(l) + "/" + p.id())
        + "\">"
        + esc(subject(p.subject()))
        + "</a> <span class=\"meta\">"
        + esc(orNone(ArchiveReader.decodeFrom(p.from())))
        + ", "
        + DAY.format(p.at())
        + "</span>";
  }

  private static String pager(PublicList l, Page<?> page, String query) {
    StringBuilder b = new StringBuilder("<nav class=\"pager\">");
    String q =
        query == null ? "" : "q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&amp;";
    if (page.page() > 0) {
      b.append("<a rel=\"prev\" href=\"")
          .append(esc(base(l)))
          .append('?')
          .append(q)
          .append("page=")
          .append(page.page() - 1)
          .append("\">Newer</a> ");
    }
    if ((long) (page.page() + 1) * page.size() < page.total()) {
      b.append("<a rel=\"next\" href=\"")
          .append(esc(base(l)))
          .append('?')
          .append(q)
          .append("page=")
          .append(page.page() + 1)
          .append("\">Older</a>");
    }
    return b.append("</nav>\n").toString();
  }

  private static String base(PublicList l) {
    return "/lists/" + ListPages.segment(l.address()) + "/archive";
  }

  private static String subject(String s) {
    String d = ArchiveReader.decodeSubject(s);
    return d == null || d.isBlank() ? "(no subject)" : d;
  }

  private static String orNone(String s) {
    return s == null || s.isBlank() ? "(unknown)" : s;
  }
}
