package org.fanmail.decorate;

/**
 * Folds a field this code writes (RFC 5322 §2.2.3): lines of at most 78 characters where the value
 * allows it, broken only at a space outside quoted strings and angle brackets, continuation lines
 * starting with one space. A single token longer than a line stays whole (the hard limit of 998 is
 * far: names are cut before, addresses are bounded by SMTP).
 */
public final class HeaderFolding {
  /** RFC 5322's recommended line length, CRLF excluded. */
  static final int LINE = 78;

  private HeaderFolding() {}

  /** The folded field {@code Name: value} as a header field (CRLF at the end). */
  public static HeaderField field(String name, String value) {
    return HeaderField.of(name, fold(name.length() + 2, value));
  }

  /**
   * {@code value} with CRLF SP inserted at break points, the first line already holding {@code
   * used} characters (the field name, colon and space).
   */
  static String fold(int used, String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    int column = used;
    int tokenStart = 0;
    boolean quoted = false;
    int angle = 0;
    for (int i = 0; i <= value.length(); i++) {
      boolean end = i == value.length();
      char c = end ? ' ' : value.charAt(i);
      if (!end && c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!end && !quoted && c == '<') {
        angle++;
      } else if (!end && !quoted && c == '>' && angle > 0) {
        angle--;
      }
      boolean breakable = end || (c == ' ' && !quoted && angle == 0);
      if (!breakable) {
        continue;
      }
      String token = value.substring(tokenStart, i);
      if (tokenStart > 0 && column + 1 + token.length() > LINE) {
        out.append("\r\n ");
        column = 1;
      } else if (tokenStart > 0) {
        out.append(' ');
        column++;
      }
      out.append(token);
      column += token.length();
      tokenStart = i + 1;
    }
    return out.toString();
  }
}
