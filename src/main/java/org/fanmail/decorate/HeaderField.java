package org.fanmail.decorate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One header field exactly as it was written: its name and its raw bytes (name, colon, value,
 * folded continuation lines, the final CRLF). Fields that no handler touches are written back from
 * {@code raw} byte for byte.
 */
public record HeaderField(String name, byte[] raw) {

  /** A new field {@code Name: value} with CRLF; the value must already be a valid header value. */
  public static HeaderField of(String name, String value) {
    return new HeaderField(name, (name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  /** True for {@code name}, compared case-insensitively. */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** The unfolded value, leading and trailing white space removed (UTF-8, for matching only). */
  public String value() {
    String text = new String(raw, StandardCharsets.UTF_8);
    int colon = text.indexOf(':');
    return text.substring(colon + 1).replaceAll("\r?\n(?=[ \t])", "").strip();
  }

  /** The value without its folding, but with its leading space kept as written. */
  String rawValue() {
    String text = new String(raw, StandardCharsets.UTF_8);
    int colon = text.indexOf(':');
    String v = text.substring(colon + 1);
    if (v.endsWith("\r\n")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("\n")) {
      v = v.substring(0, v.length() - 1);
    }
    return v;
  }

  String lowerName() {
    return name.toLowerCase(Locale.ROOT);
  }
}
