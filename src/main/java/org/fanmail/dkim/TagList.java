package org.fanmail.dkim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tag=value list (RFC 6376 §3.2) as used by DKIM-Signature, key records, ARC-Seal and
 * ARC-Message-Signature: tags in their order, names case-sensitive, values with their surrounding
 * folding white space removed (inner white space kept: {@code b=} and {@code bh=} values are read
 * with it removed by their readers). A duplicate tag, an empty tag name or a tag name that is not
 * ALPHA *(ALPHA / DIGIT / "_") makes the whole list invalid ({@link Malformed}); a trailing {@code
 * ;} is allowed.
 */
final class TagList {
  /** Bounds the work on hostile input; real lists have a dozen tags. */
  private static final int MAX_TAGS = 64;

  private final Map<String, String> tags;

  private TagList(Map<String, String> tags) {
    this.tags = tags;
  }

  /** Thrown for a list that breaks the tag-list grammar. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  static TagList parse(String text) throws Malformed {
    Map<String, String> tags = new LinkedHashMap<>();
    String[] specs = text.split(";", -1);
    for (int i = 0; i < specs.length; i++) {
      String spec = specs[i];
      if (spec.isBlank()) {
        if (i == specs.length - 1) {
          break;
        }
        throw new Malformed("empty tag");
      }
      int eq = spec.indexOf('=');
      if (eq < 0) {
        throw new Malformed("tag without '='");
      }
      String name = spec.substring(0, eq).strip();
      if (!validName(name)) {
        throw new Malformed("bad tag name");
      }
      if (tags.size() >= MAX_TAGS) {
        throw new Malformed("too many tags");
      }
      if (tags.put(name, stripFws(spec.substring(eq + 1))) != null) {
        throw new Malformed("duplicate tag " + name);
      }
    }
    return new TagList(tags);
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || !Character.isLetter(name.charAt(0)) || name.charAt(0) > 127) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String stripFws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isFws(s.charAt(from))) {
      from++;
    }
    while (to > from && isFws(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean isFws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(tags.get(name));
  }

  /** The value of a required tag. */
  String require(String name) throws Malformed {
    String v = tags.get(name);
    if (v == null) {
      throw new Malformed("missing tag " + name + "=");
    }
    return v;
  }

  boolean has(String name) {
    return tags.containsKey(name);
  }

  /** The first tag's name (key records must start with {@code v=} when they have one). */
  Optional<String> firstName() {
    return tags.keySet().stream().findFirst();
  }

  /** The value with all white space removed (base64 values may be folded anywhere). */
  static String compact(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        out.append(c);
      }
    }
    return out.toString();
  }
}
