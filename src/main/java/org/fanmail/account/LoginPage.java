package org.fanmail.account;

/**
 * The HTML of the web admin's login form: one static page, no scripts, no external resources, every
 * value from the request escaped ({@link #escape}). Labelled fields for screen readers, a viewport
 * for phones. The error text is the same for every failure, so it tells nobody which part was
 * wrong.
 */
final class LoginPage {
  static final String FAILED =
      "Login failed: the email or the password is wrong, or there were too many attempts."
          + " Try again later.";

  private LoginPage() {}

  static String form(String next, String error) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>fanmail: log in</title></head><body><main>"
        + "<h1>Log in to fanmail</h1>"
        + (error == null ? "" : "<p role=\"alert\">" + escape(error) + "</p>")
        + "<form method=\"post\" action=\"/admin/login\">"
        + "<input type=\"hidden\" name=\"next\" value=\""
        + escape(next)
        + "\">"
        + "<p><label for=\"email\">Email</label><br>"
        + "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required"
        + " maxlength=\"320\"></p>"
        + "<p><label for=\"password\">Password</label><br>"
        + "<input id=\"password\" name=\"password\" type=\"password\""
        + " autocomplete=\"current-password\" required maxlength=\"200\"></p>"
        + "<p><button type=\"submit\">Log in</button></p>"
        + "</form></main></body></html>\n";
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
