package org.fanmail.web;

import org.fanmail.request.ConfirmResult;
import org.fanmail.request.RequestAction;

/**
 * The small HTML pages of {@code /confirm/{token}}: a page with one button (a GET never confirms,
 * so mail scanners that follow links cannot), and the pages that say what happened. Every value
 * from the database is HTML-escaped; the pages load nothing from elsewhere.
 */
final class ConfirmPage {
  private ConfirmPage() {}

  /** The page with the button that POSTs back to the same URL. */
  static String ask(ConfirmResult r) {
    String what =
        r.action() == RequestAction.SUBSCRIBE
            ? "subscribe <b>" + esc(r.email()) + "</b> to"
            : "unsubscribe <b>" + esc(r.email()) + "</b> from";
    String button = r.action() == RequestAction.SUBSCRIBE ? "Subscribe" : "Unsubscribe";
    return page(
        "Please confirm",
        "<p>Confirm that you want to "
            + what
            + " the list "
            + esc(r.listName())
            + " &lt;"
            + esc(r.listAddress())
            + "&gt;.</p>\n<form method=\"post\"><button type=\"submit\">"
            + button
            + "</button></form>");
  }

  /** What the button did, or why the token cannot be used. */
  static String outcome(ConfirmResult r) {
    return switch (r.status()) {
      case COMPLETED ->
          r.action() == RequestAction.SUBSCRIBE
              ? page(
                  "Subscribed",
                  "<p><b>"
                      + esc(r.email())
                      + "</b> is now subscribed to "
                      + esc(r.listName())
                      + " &lt;"
                      + esc(r.listAddress())
                      + "&gt;. A welcome message is on its way.</p>")
              : page(
                  "Unsubscribed",
                  "<p><b>"
                      + esc(r.email())
                      + "</b> is no longer subscribed to "
                      + esc(r.listName())
                      + ".</p>");
      case AWAITING_APPROVAL ->
          page(
              "Thank you",
              "<p>Confirmed. The request now waits for the owners of "
                  + esc(r.listName())
                  + "; you will hear from them by mail.</p>");
      case USED -> page("Already confirmed", "<p>This link has already been used.</p>");
      case EXPIRED ->
          page("Link expired", "<p>This link has expired. Please send your request again.</p>");
      case WITHDRAWN ->
          page(
              "Link no longer valid",
              "<p>A newer request replaced this one, or the list's owners declined it.</p>");
      default ->
          page(
              "Unknown link",
              "<p>This confirmation link is not known. Please check that it was copied whole.</p>");
    };
  }

  /** The page for when the database cannot answer. */
  static String unavailable() {
    return page(
        "Try again later", "<p>The service is busy. Please try again in a few minutes.</p>");
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex\"><title>"
        + esc(title)
        + "</title></head>\n<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em"
        + " auto\">\n<h1>"
        + esc(title)
        + "</h1>\n"
        + body
        + "\n</body></html>\n";
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
