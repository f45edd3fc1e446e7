package org.fanmail.account;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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

  static String form(String next, String error, boolean oidc) {
    return head("fanmail: log in", "")
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
        + "</form>"
        + (oidc
            ? "<p><a href=\"/admin/oidc/login?next="
                + escape(URLEncoder.encode(next, StandardCharsets.UTF_8))
                + "\">Log in with your identity provider</a></p>"
            : "")
        + "</main></body></html>\n";
  }

  /** A page with a heading and one paragraph (the OIDC login's refusals). */
  static String message(String title, String text) {
    return head("fanmail: " + title, "")
        + "<h1>"
        + escape(title)
        + "</h1><p>"
        + escape(text)
        + "</p><p><a href=\"/admin/login\">Back to the login page</a></p></main></body></html>\n";
  }

  /** The page after an OIDC login: moves on to {@code target} (a local path) by itself. */
  static String continueTo(String target) {
    return head(
            "fanmail: logged in",
            "<meta http-equiv=\"refresh\" content=\"0;url=" + escape(target) + "\">")
        + "<h1>Logged in</h1><p><a href=\""
        + escape(target)
        + "\">Continue to fanmail</a></p></main></body></html>\n";
  }

  private static String head(String title, String extra) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + extra
        + "<title>"
        + escape(title)
        + "</title></head><body><main>";
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
