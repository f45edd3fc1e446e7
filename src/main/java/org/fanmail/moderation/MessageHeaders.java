package org.fanmail.moderation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header section of a message, read just far enough for the posting rules and the post row:
 * fields unfolded, names compared case-insensitively, values kept as received (no RFC 2047
 * decoding).
 *
 * <p>Bounded: reading stops at the empty line, after {@link #MAX_BYTES} octets or after {@link
 * #MAX_FIELDS} fields, whichever comes first; what lies beyond is simply not seen. Lines without a
 * colon are skipped. Never throws on content; only I/O errors of the stream propagate. {@link
 * #complete()} tells whether the whole section was seen, so that a caller can refuse a message
 * whose later fields its rules would never see.
 */
public final class MessageHeaders {
  public static final int MAX_BYTES = 1024 * 1024;
  public static final int MAX_FIELDS = 10_000;

  /** One unfolded field. */
  public record Field(String name, String value) {}

  private final List<Field> fields;
  private final boolean complete;

  private MessageHeaders(List<Field> fields, boolean complete) {
    this.fields = fields;
    this.complete = complete;
  }

  /** Reads the header section from the start of {@code in}. */
  public static MessageHeaders read(InputStream in) throws IOException {
    List<Field> fields = new ArrayList<>();
    StringBuilder current = null;
    byte[] line = new byte[1024];
    int total = 0;
    boolean complete = false;
    while (fields.size() < MAX_FIELDS && total < MAX_BYTES) {
      int len = 0;
      int b;
      boolean any = false;
      while ((b = in.read()) != -1) {
        any = true;
        total++;
        if (b == '\n') {
          break;
        }
        if (len == line.length) {
          line = java.util.Arrays.copyOf(line, Math.min(MAX_BYTES, line.length * 2));
          if (len == line.length) {
            break;
          }
        }
        line[len++] = (byte) b;
        if (total >= MAX_BYTES) {
          break;
        }
      }
      if (!any) {
        complete = true;
        break;
      }
      if (len > 0 && line[len - 1] == '\r') {
        len--;
      }
      String text = new String(line, 0, len, StandardCharsets.UTF_8);
      if (text.isEmpty()) {
        complete = b == '\n';
        break;
      }
      if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && current != null) {
        current.append(text);
        continue;
      }
      add(fields, current);
      current = new StringBuilder(text);
      if (b == -1) {
        complete = true;
        break;
      }
    }
    int before = fields.size();
    add(fields, current);
    boolean lastKept = current == null || fields.size() > before || fields.size() < MAX_FIELDS;
    return new MessageHeaders(fields, complete && lastKept);
  }

  private static void add(List<Field> fields, StringBuilder field) {
    if (field == null || fields.size() >= MAX_FIELDS) {
      return;
    }
    int colon = field.indexOf(":");
    if (colon <= 0) {
      return;
    }
    String name = field.substring(0, colon).trim();
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
      // RFC 5322 ftext only: a tab or other control inside a name (a fuzz-test finding) is no
      // field.
      return;
    }
    fields.add(new Field(name, field.substring(colon + 1).trim()));
  }

  /**
   * True when reading stopped at the empty line or the end of the message, within {@link
   * #MAX_BYTES} and {@link #MAX_FIELDS}: no field was left unseen.
   */
  public boolean complete() {
    return complete;
  }

  /** Every field in order. */
  public List<Field> fields() {
    return fields;
  }

  /** The first value of {@code name}, case-insensitive. */
  public Optional<String> first(String name) {
    return fields.stream()
        .filter(f -> f.name().equalsIgnoreCase(name))
        .map(Field::value)
        .findFirst();
  }

  /** All values of {@code name}, case-insensitive, in order. */
  public List<String> all(String name) {
    return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
  }

  /** The first value of {@code name} cut to {@code max} characters (for database columns). */
  public Optional<String> firstBounded(String name, int max) {
    return first(name).map(v -> v.length() <= max ? v : v.substring(0, max));
  }

  /** The bare address in a From-like value: the part in angle brackets, or the whole value. */
  public static Optional<String> addressOf(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int lt = value.lastIndexOf('<');
    int gt = value.lastIndexOf('>');
    String a = lt >= 0 && gt > lt ? value.substring(lt + 1, gt) : value;
    a = a.trim();
    return a.contains("@") ? Optional.of(a.toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
