package org.fanmail.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message split the way DKIM reads it: the header fields in order, each with its raw bytes (name,
 * colon, value, continuation lines, its CRLF), and where the body starts (after the empty line).
 * Lines ending in a bare LF are read as if they ended in CRLF (as a receiving MTA writes them), so
 * {@link #of} copies the message once when it finds one. A message with no empty line has an empty
 * body. At most {@link #MAX_FIELDS} fields are read; the rest of an absurd header is ignored (a
 * signature over a field past that bound fails, it never passes).
 */
final class MessageFields {
  static final int MAX_FIELDS = 2_000;

  /** One field: its name as written and its raw bytes with the final CRLF. */
  record Field(String name, byte[] raw) {
    boolean is(String other) {
      return name.equalsIgnoreCase(other);
    }

    String lowerName() {
      return name.toLowerCase(Locale.ROOT);
    }

    /** The raw value after the colon, CRLF removed, folding kept (for tag lists). */
    String value() {
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      int colon = text.indexOf(':');
      String v = text.substring(colon + 1);
      return v.endsWith("\r\n") ? v.substring(0, v.length() - 2) : v;
    }
  }

  private final List<Field> fields;
  private final byte[] message;
  private final int bodyStart;

  private MessageFields(List<Field> fields, byte[] message, int bodyStart) {
    this.fields = fields;
    this.message = message;
    this.bodyStart = bodyStart;
  }

  static MessageFields of(byte[] raw) {
    byte[] m = withCrlf(raw);
    List<Field> fields = new ArrayList<>();
    int pos = 0;
    while (pos < m.length) {
      if (startsCrlf(m, pos)) {
        return new MessageFields(fields, m, pos + 2);
      }
      int end = pos;
      do {
        end = lineEnd(m, end);
      } while (end < m.length && (m[end] == ' ' || m[end] == '\t'));
      int colon = pos;
      while (colon < end && m[colon] != ':') {
        colon++;
      }
      if (colon == end) {
        // Not a field: nothing more of the header can be trusted; the rest is body.
        return new MessageFields(fields, m, pos);
      }
      if (fields.size() < MAX_FIELDS) {
        String name = new String(m, pos, colon - pos, StandardCharsets.ISO_8859_1).strip();
        byte[] bytes = java.util.Arrays.copyOfRange(m, pos, end);
        fields.add(new Field(name, bytes));
      }
      pos = end;
    }
    return new MessageFields(fields, m, m.length);
  }

  /** The offset just past the CRLF that ends the line starting at {@code from}. */
  private static int lineEnd(byte[] m, int from) {
    int i = from;
    while (i < m.length && m[i] != '\n') {
      i++;
    }
    return Math.min(i + 1, m.length);
  }

  private static boolean startsCrlf(byte[] m, int pos) {
    return pos + 1 < m.length && m[pos] == '\r' && m[pos + 1] == '\n';
  }

  /** {@code raw} with every bare LF (and a bare CR) written as CRLF; the same array if none. */
  static byte[] withCrlf(byte[] raw) {
    boolean clean = true;
    for (int i = 0; i < raw.length && clean; i++) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
        clean = false;
      } else if (raw[i] == '\r' && (i + 1 == raw.length || raw[i + 1] != '\n')) {
        clean = false;
      }
    }
    if (clean) {
      return raw;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length + 64);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          i++;
        }
      } else if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  List<Field> fields() {
    return fields;
  }

  byte[] message() {
    return message;
  }

  int bodyStart() {
    return bodyStart;
  }

  /**
   * The fields a signature's {@code h=} list selects, in its order: for each listed name the next
   * instance from the bottom up (RFC 6376 §5.4.2); a name with no instance left selects nothing
   * (which is how over-signing keeps fields from being added).
   */
  List<Field> select(List<String> names) {
    java.util.Map<String, Integer> used = new java.util.HashMap<>();
    List<Field> out = new ArrayList<>(names.size());
    for (String name : names) {
      String key = name.toLowerCase(Locale.ROOT);
      int skip = used.merge(key, 1, Integer::sum) - 1;
      for (int i = fields.size() - 1; i >= 0; i--) {
        if (fields.get(i).is(key) && skip-- == 0) {
          out.add(fields.get(i));
          break;
        }
      }
    }
    return out;
  }
}
