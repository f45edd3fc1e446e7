package org.fanmail.list;

import java.util.List;
import java.util.TreeSet;

/**
 * The names of the columns or fields an import met but has no place for, for the answer's {@code
 * ignored}. Bounded: at most {@link #MAX_NAMES} names of at most {@link #MAX_NAME_LENGTH}
 * characters each are kept (a hostile header of ten thousand columns reports a hundred), so the
 * answer stays small whatever the input.
 */
public final class IgnoredFields {
  public static final int MAX_NAMES = 100;
  public static final int MAX_NAME_LENGTH = 100;

  private final TreeSet<String> names = new TreeSet<>();

  /** Notes {@code name} as ignored (nothing past the bound). */
  public void add(String name) {
    if (name == null || name.isBlank() || names.size() >= MAX_NAMES) {
      return;
    }
    String n = name.strip();
    names.add(n.length() <= MAX_NAME_LENGTH ? n : n.substring(0, MAX_NAME_LENGTH) + "...");
  }

  /** The names noted so far, sorted. */
  public List<String> names() {
    return List.copyOf(names);
  }
}
