package org.fanmail.decorate;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Display names (RFC 5322 phrases) and unstructured text in and out of header fields: {@link
 * #decodePhrase} turns a phrase as written (atoms, quoted strings, RFC 2047 encoded words) into
 * text; {@link #phrase} writes text back as a quoted string when it is printable ASCII, else as
 * UTF-8 "B" encoded words of at most 75 characters each, never splitting a character across two
 * words; {@link #text} and {@link #decodeText} do the same for unstructured values (Subject).
 *
 * <p>Lenient on input: an encoded word in an unknown charset or with broken encoding stays as
 * written; control characters become spaces. Pure and thread-safe.
 */
public final class EncodedWords {
  /** An encoded word is at most 75 characters long (RFC 2047 §2). */
  static final int MAX_WORD = 75;

  private static final Pattern WORD =
      Pattern.compile("=\\?([^?\\s*]+)(?:\\*[^?\\s]*)?\\?([bBqQ])\\?([^?\\s]*)\\?=");
  private static final String PREFIX = "=?UTF-8?B?";

  /** Octets per word: 45 octets are 60 base64 characters, 72 with prefix and suffix. */
  private static final int OCTETS_PER_WORD = 45;

  private EncodedWords() {}

  /** The text of a phrase as written; comments dropped, white space collapsed. */
  public static String decodePhrase(String raw) {
    StringBuilder out = new StringBuilder();
    boolean lastEncoded = false;
    boolean pendingSpace = false;
    int i = 0;
    int n = raw.length();
    while (i < n) {
      char ch = raw.charAt(i);
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
        pendingSpace = out.length() > 0;
        i++;
      } else if (ch == '(') {
        i = skipComment(raw, i);
        pendingSpace = out.length() > 0;
      } else if (ch == '"') {
        StringBuilder q = new StringBuilder();
        i = readQuoted(raw, i, q);
        if (pendingSpace) {
          out.append(' ');
        }
        out.append(q);
        pendingSpace = false;
        lastEncoded = false;
      } else {
        int start = i;
        while (i < n && " \t\r\n(\"".indexOf(raw.charAt(i)) < 0) {
          i++;
        }
        String word = raw.substring(start, i);
        String decoded = decodeWord(word);
        boolean encoded = decoded != null;
        if (pendingSpace && !(encoded && lastEncoded)) {
          out.append(' ');
        }
        out.append(encoded ? decoded : word);
        pendingSpace = false;
        lastEncoded = encoded;
      }
    }
    return clean(out.toString());
  }

  /** The decoded text of one token when it is an encoded word (or several run together). */
  static String decodeWord(String token) {
    Matcher m = WORD.matcher(token);
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (m.find()) {
      if (m.start() != at) {
        return null;
      }
      String text = decode(m.group(1), m.group(2), m.group(3));
      if (text == null) {
        return null;
      }
      out.append(text);
      at = m.end();
    }
    return at == token.length() && at > 0 ? out.toString() : null;
  }

  private static String decode(String charsetName, String encoding, String text) {
    Charset charset;
    try {
      charset = Charset.forName(charsetName);
    } catch (IllegalArgumentException e) {
      return null;
    }
    byte[] octets;
    if (encoding.equalsIgnoreCase("B")) {
      try {
        octets = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      java.io.ByteArrayOutputStream q = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '_') {
          q.write(' ');
        } else if (c == '=' && i + 2 < text.length()) {
          int hi = Character.digit(text.charAt(i + 1), 16);
          int lo = Character.digit(text.charAt(i + 2), 16);
          if (hi < 0 || lo < 0) {
            return null;
          }
          q.write(hi * 16 + lo);
          i += 2;
        } else if (c == '=') {
          return null;
        } else {
          q.write(c);
        }
      }
      octets = q.toByteArray();
    }
    return new String(octets, charset);
  }

  /** {@code text} as a phrase: a quoted string, or encoded words separated by single spaces. */
  public static String phrase(String text) {
    String t = clean(text);
    if (isPrintableAscii(t)) {
      return '"' + t.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return encoded(t);
  }

  /**
   * {@code text} for an unstructured field (Subject): as it is when printable ASCII, else encoded
   * words separated by single spaces, so the field needs no SMTPUTF8.
   */
  public static String text(String text) {
    String t = clean(text);
    return isPrintableAscii(t) ? t : encoded(t);
  }

  /**
   * The text of an unstructured value as written: encoded words decoded (white space between two of
   * them dropped, RFC 2047 section 6.2), anything else kept, white space collapsed.
   */
  public static String decodeText(String raw) {
    StringBuilder out = new StringBuilder();
    boolean lastEncoded = false;
    for (String token : raw.split("[ \t\r\n]+")) {
      if (token.isEmpty()) {
        continue;
      }
      String decoded = decodeWord(token);
      boolean encoded = decoded != null;
      if (out.length() > 0 && !(encoded && lastEncoded)) {
        out.append(' ');
      }
      out.append(encoded ? decoded : token);
      lastEncoded = encoded;
    }
    return out.toString();
  }

  private static String encoded(String t) {
    StringBuilder out = new StringBuilder();
    byte[] pending = new byte[0];
    int i = 0;
    while (i < t.length()) {
      int cp = t.codePointAt(i);
      byte[] ch = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      if (pending.length + ch.length > OCTETS_PER_WORD) {
        appendWord(out, pending);
        pending = new byte[0];
      }
      byte[] joined = java.util.Arrays.copyOf(pending, pending.length + ch.length);
      System.arraycopy(ch, 0, joined, pending.length, ch.length);
      pending = joined;
      i += Character.charCount(cp);
    }
    appendWord(out, pending);
    return out.toString();
  }

  private static void appendWord(StringBuilder out, byte[] octets) {
    if (octets.length == 0) {
      return;
    }
    if (out.length() > 0) {
      out.append(' ');
    }
    out.append(PREFIX).append(Base64.getEncoder().encodeToString(octets)).append("?=");
  }

  /** Control characters to spaces, runs of white space to one space, ends trimmed. */
  static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean blank = c <= ' ' || c == 0x7f || Character.isWhitespace(c) || (c >= 0x80 && c < 0xa0);
      if (blank) {
        space = out.length() > 0;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Index just past the comment that starts at {@code from} (nested, with quoted pairs). */
  static int skipComment(String s, int from) {
    int depth = 0;
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    return s.length();
  }

  /** Reads the quoted string at {@code from} into {@code into}; the index just past it. */
  static int readQuoted(String s, int from, StringBuilder into) {
    int i = from + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        into.append(s.charAt(i + 1));
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        into.append(c);
        i++;
      }
    }
    return s.length();
  }
}
