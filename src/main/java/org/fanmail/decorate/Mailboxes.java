package org.fanmail.decorate;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses an RFC 5322 address list (From, Cc, Reply-To) into its mailboxes: display names as quoted
 * strings, atoms or encoded words; {@code <angle addresses>} (an obsolete source route is dropped);
 * bare addr-specs with an old-style {@code (comment)} name; groups ({@code Team: a@x, b@y;}, RFC
 * 6854 allows them in From), whose members count and whose name does not.
 *
 * <p>Lenient and bounded: an entry without {@code @} is skipped, not an error; at most {@link
 * #MAX_MAILBOXES} are returned. Pure and thread-safe.
 */
public final class Mailboxes {
  /** More mailboxes than this in one field are ignored. */
  public static final int MAX_MAILBOXES = 100;

  private Mailboxes() {}

  /** The mailboxes of an unfolded field value. */
  public static List<Mailbox> parse(String value) {
    List<Mailbox> out = new ArrayList<>();
    StringBuilder phrase = new StringBuilder();
    String comment = null;
    String angle = null;
    int i = 0;
    int n = value.length();
    while (i < n && out.size() < MAX_MAILBOXES) {
      char c = value.charAt(i);
      if (c == '"') {
        int end = EncodedWords.readQuoted(value, i, new StringBuilder());
        phrase.append(value, i, end);
        i = end;
      } else if (c == '(') {
        int end = EncodedWords.skipComment(value, i);
        if (comment == null && end - i >= 2) {
          comment = value.substring(i + 1, Math.max(i + 1, end - 1));
        }
        phrase.append(' ');
        i = end;
      } else if (c == '<') {
        int end = value.indexOf('>', i);
        if (end < 0) {
          end = n;
        }
        angle = value.substring(i + 1, end);
        i = Math.min(end + 1, n);
      } else if (c == ':' && angle == null && !phrase.toString().contains("@")) {
        // A group's name: dropped, its members follow.
        phrase.setLength(0);
        comment = null;
        i++;
      } else if (c == ',' || c == ';') {
        emit(out, phrase, comment, angle);
        phrase.setLength(0);
        comment = null;
        angle = null;
        i++;
      } else {
        phrase.append(c);
        i++;
      }
    }
    if (out.size() < MAX_MAILBOXES) {
      emit(out, phrase, comment, angle);
    }
    return out;
  }

  private static void emit(List<Mailbox> out, StringBuilder phrase, String comment, String angle) {
    String address;
    String name;
    if (angle != null) {
      address = withoutRoute(angle.strip());
      name = EncodedWords.decodePhrase(phrase.toString());
    } else {
      address = phrase.toString().strip();
      name = comment == null ? "" : EncodedWords.decodePhrase(comment);
    }
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1 || containsBlank(address)) {
      return;
    }
    out.add(new Mailbox(name, address));
  }

  private static String withoutRoute(String angle) {
    if (angle.startsWith("@")) {
      int colon = angle.indexOf(':');
      if (colon > 0) {
        return angle.substring(colon + 1).strip();
      }
    }
    return angle;
  }

  /** White space or a delimiter outside quoted parts: not an addr-spec. */
  private static boolean containsBlank(String s) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < ' ' || c == 0x7f) {
        return true;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (!quoted && (c == ' ' || c == '<' || c == '>' || c == ',' || c == ';')) {
        return true;
      }
    }
    return false;
  }
}
