package org.fanmail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The two canonicalization algorithms of RFC 6376 §3.4, for header fields and for the body. The
 * body is fed in once, whole, and comes out as the bytes the body hash covers; header fields come
 * out with their CRLF (the signature field itself is hashed without it: the caller cuts it). Pure;
 * input is taken as CRLF-terminated lines ({@link MessageFields} makes it so).
 */
enum Canonicalization {
  SIMPLE("simple"),
  RELAXED("relaxed");

  private final String word;

  Canonicalization(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  static Canonicalization of(String word) {
    for (Canonicalization c : values()) {
      if (c.word.equals(word)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown canonicalization " + word);
  }

  /** One field, canonicalized, ending in CRLF. */
  byte[] header(byte[] raw) {
    if (this == SIMPLE) {
      return raw;
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = text.substring(colon + 1).replace("\r\n", "").replace("\n", "");
    StringBuilder out = new StringBuilder(name.length() + value.length() + 3);
    out.append(name).append(':');
    boolean space = false;
    boolean started = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        space = started;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
        started = true;
      }
    }
    out.append("\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The canonical body of {@code m[from, m.length)}. */
  byte[] body(byte[] m, int from) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, m.length - from));
    int pendingEmptyLines = 0;
    int pos = from;
    while (pos < m.length) {
      int end = pos;
      while (end < m.length && m[end] != '\n') {
        end++;
      }
      // The line's content without its CRLF (a last line without one is a line all the same).
      int contentEnd = end;
      if (contentEnd > pos && m[contentEnd - 1] == '\r') {
        contentEnd--;
      }
      byte[] line = this == SIMPLE ? slice(m, pos, contentEnd) : relaxedLine(m, pos, contentEnd);
      if (line.length == 0) {
        pendingEmptyLines++;
      } else {
        for (; pendingEmptyLines > 0; pendingEmptyLines--) {
          out.write('\r');
          out.write('\n');
        }
        out.writeBytes(line);
        out.write('\r');
        out.write('\n');
      }
      pos = end + 1;
    }
    if (out.size() == 0 && this == SIMPLE) {
      // RFC 6376 §3.4.3: an empty body is one CRLF in simple; relaxed leaves it empty (§3.4.4).
      return new byte[] {'\r', '\n'};
    }
    return out.toByteArray();
  }

  private static byte[] slice(byte[] m, int from, int to) {
    return java.util.Arrays.copyOfRange(m, from, to);
  }

  private static byte[] relaxedLine(byte[] m, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    boolean space = false;
    for (int i = from; i < to; i++) {
      byte b = m[i];
      if (b == ' ' || b == '\t') {
        space = true;
      } else {
        if (space) {
          out.write(' ');
          space = false;
        }
        out.write(b);
      }
    }
    return out.toByteArray();
  }
}
