package org.fanmail.decorate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header section of a message as an ordered list of {@link HeaderField}s, editable by handlers
 * and written back with every untouched field byte for byte, in its original order.
 *
 * <p>{@link #split} finds where the header section ends: right after the CRLF of the last field,
 * before the empty line. A message with no empty line is all header; a line that is neither a field
 * nor a continuation ends the header section there (the rest is treated as body, as received).
 */
public final class HeaderBlock {
  private final List<HeaderField> fields;

  private HeaderBlock(List<HeaderField> fields) {
    this.fields = fields;
  }

  /** The offset where the header fields of {@code message} end (the empty line starts there). */
  public static int split(byte[] message) {
    int lineStart = 0;
    while (lineStart < message.length) {
      if (message[lineStart] == '\r' || message[lineStart] == '\n') {
        return lineStart;
      }
      int lineEnd = lineStart;
      while (lineEnd < message.length && message[lineEnd] != '\n') {
        lineEnd++;
      }
      boolean continuation = message[lineStart] == ' ' || message[lineStart] == '\t';
      if (!continuation && !looksLikeField(message, lineStart, lineEnd)) {
        return lineStart;
      }
      lineStart = Math.min(lineEnd + 1, message.length);
    }
    return message.length;
  }

  private static boolean looksLikeField(byte[] m, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = m[i];
      if (b == ':') {
        return i > from;
      }
      if (b <= 32 || b >= 127) {
        return false;
      }
    }
    return false;
  }

  /** Parses the header bytes ({@code message[0, split(message))}). */
  public static HeaderBlock parse(byte[] message, int end) {
    List<HeaderField> fields = new ArrayList<>();
    int start = 0;
    while (start < end) {
      int next = start;
      do {
        while (next < end && message[next] != '\n') {
          next++;
        }
        next = Math.min(next + 1, end);
      } while (next < end && (message[next] == ' ' || message[next] == '\t'));
      int colon = start;
      while (colon < next && message[colon] != ':') {
        colon++;
      }
      String name = new String(message, start, colon - start, StandardCharsets.US_ASCII).strip();
      byte[] raw = new byte[next - start];
      System.arraycopy(message, start, raw, 0, raw.length);
      if (raw.length > 0 && raw[raw.length - 1] != '\n') {
        // A header section that stops without a line end (a fuzz-test finding): a field added after
        // it would run on into this one's value, so it gets the CRLF it lacks, nothing else.
        raw = java.util.Arrays.copyOf(raw, raw.length + 2);
        raw[raw.length - 2] = '\r';
        raw[raw.length - 1] = '\n';
      }
      fields.add(new HeaderField(name, raw));
      start = next;
    }
    return new HeaderBlock(fields);
  }

  /** The fields in order (read-only view). */
  public List<HeaderField> fields() {
    return List.copyOf(fields);
  }

  /** The first field called {@code name}. */
  public Optional<HeaderField> first(String name) {
    return fields.stream().filter(f -> f.is(name)).findFirst();
  }

  /** Replaces the first {@code name} field in place (others removed), or appends one. */
  public void set(String name, String value) {
    HeaderField field = HeaderField.of(name, value);
    int at = -1;
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).is(name)) {
        if (at < 0) {
          at = i;
          fields.set(i, field);
        } else {
          fields.remove(i--);
        }
      }
    }
    if (at < 0) {
      fields.add(field);
    }
  }

  /** Replaces one field (same position) with new raw bytes. */
  public void replace(HeaderField old, HeaderField replacement) {
    int i = fields.indexOf(old);
    if (i >= 0) {
      fields.set(i, replacement);
    }
  }

  /** Appends a field after the existing ones. */
  public void add(String name, String value) {
    fields.add(HeaderField.of(name, value));
  }

  /** Appends a field built elsewhere (already folded, with its CRLF). */
  public void add(HeaderField field) {
    fields.add(field);
  }

  /** Puts {@code field} right after {@code anchor} (at the end when the anchor is gone). */
  public void insertAfter(HeaderField anchor, HeaderField field) {
    int i = fields.indexOf(anchor);
    fields.add(i < 0 ? fields.size() : i + 1, field);
  }

  /** Removes this one field (the same instance), if present. */
  public void remove(HeaderField field) {
    fields.remove(field);
  }

  /** Removes every field called {@code name}. */
  public void remove(String name) {
    fields.removeIf(f -> f.is(name));
  }

  /** The header fields as bytes, untouched fields exactly as parsed. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (HeaderField f : fields) {
      out.writeBytes(f.raw());
    }
    return out.toByteArray();
  }
}
