package org.fanmail.smtp.codec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fanmail.mail.EmailAddress;

/**
 * The argument of {@code MAIL FROM:} or {@code RCPT TO:}: a path in angle brackets and the ESMTP
 * parameters after it (RFC 5321 section 4.1.2).
 *
 * <p>Strict: the path must be in angle brackets; a source route ({@code <@a,@b:x@y>}) is stripped
 * and only {@code x@y} is judged (RFC 5321 section 4.1.1.3, C.); the mailbox itself is parsed by
 * {@link EmailAddress#parse}, which refuses address literals, trailing dots and malformed local
 * parts. One optional space after the colon is tolerated because common clients send it. Failures
 * are {@link SyntaxException}s whose {@code addressProblem} tells the session to answer {@code 501
 * 5.1.3} rather than {@code 501 5.5.4}.
 */
public record PathArgument(EmailAddress mailbox, Map<String, String> parameters) {

  /** A malformed argument. */
  public static final class SyntaxException extends Exception {
    private final boolean addressProblem;

    public SyntaxException(String message, boolean addressProblem) {
      super(message);
      this.addressProblem = addressProblem;
    }

    public boolean addressProblem() {
      return addressProblem;
    }
  }

  /** True for the null reverse-path {@code <>}. */
  public boolean isNull() {
    return mailbox == null;
  }

  /**
   * Parses {@code keyword:<path> params}, e.g. {@code FROM:<a@b> SIZE=10}.
   *
   * @param keyword {@code FROM} or {@code TO}, compared case-insensitively
   */
  public static PathArgument parse(String argument, String keyword) throws SyntaxException {
    String prefix = keyword + ":";
    if (argument == null
        || argument.length() < prefix.length()
        || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw new SyntaxException("Syntax: " + keyword + ":<address>", false);
    }
    int i = prefix.length();
    if (i < argument.length() && argument.charAt(i) == ' ') {
      i++;
    }
    if (i >= argument.length() || argument.charAt(i) != '<') {
      throw new SyntaxException("Address must be in angle brackets", false);
    }
    int close = closingBracket(argument, i + 1);
    if (close < 0) {
      throw new SyntaxException("Unbalanced angle brackets", false);
    }
    String path = argument.substring(i + 1, close);
    String rest = argument.substring(close + 1);
    Map<String, String> params = parameters(rest);
    if (path.isEmpty()) {
      return new PathArgument(null, params);
    }
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      if (colon < 0 || !path.substring(0, colon).matches("@[^,@:\\s]+(,@[^,@:\\s]+)*")) {
        throw new SyntaxException("Malformed source route", true);
      }
      path = path.substring(colon + 1);
    }
    try {
      return new PathArgument(EmailAddress.parse(path), params);
    } catch (EmailAddress.InvalidAddressException e) {
      throw new SyntaxException("Bad address: " + e.getMessage(), true);
    }
  }

  private static int closingBracket(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '<') {
        return -1;
      } else if (!quoted && c == '>') {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> parameters(String rest) throws SyntaxException {
    Map<String, String> params = new LinkedHashMap<>();
    if (rest.isEmpty()) {
      return params;
    }
    if (rest.charAt(0) != ' ') {
      throw new SyntaxException("Garbage after the address", false);
    }
    for (String p : rest.substring(1).split(" ", -1)) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String spelled = eq < 0 ? p : p.substring(0, eq);
      // Checked before upper-casing: Unicode case mapping turns U+017F into S, so "\u017fIZE"
      // would otherwise pass as SIZE. esmtp-keyword is ASCII only.
      if (!spelled.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
        throw new SyntaxException("Malformed parameter " + p, false);
      }
      String name = spelled.toUpperCase(Locale.ROOT);
      if (!name.matches("[A-Z0-9][A-Z0-9-]*")) {
        throw new SyntaxException("Malformed parameter " + p, false);
      }
      if (params.put(name, eq < 0 ? null : p.substring(eq + 1)) != null) {
        throw new SyntaxException("Duplicate parameter " + name, false);
      }
    }
    return params;
  }
}
