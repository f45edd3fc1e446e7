package org.fanmail.list;

/**
 * The length and character rules for free text on lists and members. Single-line values (names,
 * subject prefix) end up in mail headers, so control characters are refused there: a CR or LF would
 * let a caller inject headers. Violations throw {@link InvalidInputException} naming the field.
 */
final class TextRules {
  static final int MAX_NAME = 200;
  static final int MAX_DESCRIPTION = 2000;
  static final int MAX_SUBJECT_PREFIX = 100;
  static final int MAX_OWNERS = 100;

  private TextRules() {}

  /** {@code value} if it fits in {@code max} characters and has no control character. */
  static String singleLine(String field, String value, int max) {
    String reason = singleLineProblem(value, max);
    if (reason != null) {
      throw new InvalidInputException(field + " " + reason);
    }
    return value;
  }

  /** {@code value} if it fits in {@code max} characters; line breaks and tabs allowed. */
  static String multiLine(String field, String value, int max) {
    if (value.length() > max) {
      throw new InvalidInputException(
          field + " is longer than " + max + " characters (" + value.length() + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
        throw new InvalidInputException(field + " contains a control character");
      }
    }
    return value;
  }

  /** Why {@code value} breaks the single-line rule, or {@code null} when it does not. */
  static String singleLineProblem(String value, int max) {
    if (value.length() > max) {
      return "is longer than " + max + " characters (" + value.length() + ")";
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return "contains a control character (line breaks are not allowed)";
      }
    }
    return null;
  }
}
