package org.fanmail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The HTML of {@code /lists/{address}} and of the answers to its two forms: self-contained
 * documents, no scripts, no external resources, every value from the database or the request
 * escaped ({@link UnsubscribePages#escape}). The forms post to paths under the page's own; the
 * answers are the same whether or not the typed address is a member. {@link #document} is the frame
 * every list, archive and manage page shares.
 */
final class ListPages {
  private ListPages() {}

  /** What the list page shows of a list. */
  record Shown(String address, String name, String description, boolean archiveLink) {
    String title() {
      return name == null || name.isBlank() ? address : name;
    }
  }

  /** The list page: what the list is, the subscribe form, the manage-link form, the archive. */
  static String list(Shown l, String problem) {
    String path = "/lists/" + segment(l.address());
    StringBuilder b = new StringBuilder();
    if (problem != null) {
      b.append("<p class=\"problem\" role=\"alert\">").append(esc(problem)).append("</p>\n");
    }
    if (l.description() != null && !l.description().isBlank()) {
      b.append("<p class=\"description\">").append(esc(l.description())).append("</p>\n");
    }
    b.append("<p>To post, write to <strong>")
        .append(esc(l.address()))
        .append("</strong> once you are subscribed.</p>\n");
    if (l.archiveLink()) {
      b.append("<p><a href=\"").append(esc(path)).append("/archive\">The list's archive</a></p>\n");
    }
    b.append("<h2>Subscribe</h2>\n<form method=\"post\" action=\"")
        .append(esc(path))
        .append("/subscribe\"><label>Your address <input type=\"email\" name=\"email\" required")
        .append(" maxlength=\"254\" autocomplete=\"email\"></label> ")
        .append("<label>Your name (optional) <input type=\"text\" name=\"name\"")
        .append(" maxlength=\"200\" autocomplete=\"name\"></label> ")
        .append("<button type=\"submit\">Subscribe</button></form>\n")
        .append(
            "<p>We mail the address a link; the subscription starts once it is confirmed.</p>\n")
        .append("<h2>Already subscribed?</h2>\n<form method=\"post\" action=\"")
        .append(esc(path))
        .append("/manage\"><label>Your address <input type=\"email\" name=\"email\" required")
        .append(" maxlength=\"254\" autocomplete=\"email\"></label> ")
        .append("<button type=\"submit\">Mail me a link to my settings</button></form>\n");
    return document(l.title(), b.toString());
  }

  /** After the subscribe form: the same words for members and others. */
  static String subscribeSent(Shown l, String email) {
    return document(
        "Check your mail",
        "<p>If <strong>"
            + esc(email)
            + "</strong> can be subscribed to <strong>"
            + esc(l.title())
            + "</strong>, a message with a link to confirm is on its way to it.</p>\n"
            + back(l));
  }

  /** After the manage-link form: the same words for members and others. */
  static String manageSent(Shown l, String email) {
    return document(
        "Check your mail",
        "<p>If <strong>"
            + esc(email)
            + "</strong> is subscribed to <strong>"
            + esc(l.title())
            + "</strong>, a message with a link to its settings is on its way to it.</p>\n"
            + back(l));
  }

  /** Too many forms from the client's network this hour. */
  static String tooMany() {
    return document(
        "Try again later",
        "<p>Too many requests came from your network in the last hour. Try again later.</p>\n");
  }

  /** An unknown list, or one whose owners do not advertise it. */
  static String notFound() {
    return document("Not found", "<p>There is no such page.</p>\n");
  }

  /** The request body was too large or not a form. */
  static String badRequest(String why) {
    return document("Bad request", "<p>" + esc(why) + "</p>\n");
  }

  /** The database could not answer. */
  static String unavailable() {
    return document(
        "Try again later", "<p>The service cannot answer right now. Try again later.</p>\n");
  }

  private static String back(Shown l) {
    return "<p><a href=\"/lists/" + esc(segment(l.address())) + "\">Back to the list</a></p>\n";
  }

  /** A list address as one path segment. */
  static String segment(String address) {
    return URLEncoder.encode(address, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("%40", "@");
  }

  static String esc(String s) {
    return UnsubscribePages.escape(s);
  }

  /** One page: title, a little inline style (the CSP allows nothing else), the body. */
  static String document(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex\">"
        + "<title>"
        + esc(title)
        + "</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto;"
        + "padding:0 1em;line-height:1.5}button{font-size:1em;padding:.4em 1em}"
        + ".problem{color:#a00}pre{white-space:pre-wrap;word-wrap:break-word}"
        + "ul.thread{margin-top:0}.meta{color:#555}</style></head>\n<body><main><h1>"
        + esc(title)
        + "</h1>\n"
        + body
        + "</main></body></html>\n";
  }
}
