package org.fanmail.admin;

import org.fanmail.list.InvalidInputException;

/**
 * The {@code ?page=&size=} of a collection request: page from 0, size 1..{@value #MAX_SIZE}
 * (default {@value #DEFAULT_SIZE}). Parameters arrive as strings so that {@code page=abc} is a 400
 * with a reason rather than JAX-RS's 404 for unparsable query parameters.
 */
public record Paging(int page, int size) {
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 1000;

  /** Parses and checks the two query parameters ({@code null} means the default). */
  public static Paging of(String page, String size) {
    int p = parse("page", page, 0);
    int s = parse("size", size, DEFAULT_SIZE);
    if (p < 0) {
      throw new InvalidInputException("page must be 0 or more");
    }
    if (s < 1 || s > MAX_SIZE) {
      throw new InvalidInputException("size must be between 1 and " + MAX_SIZE);
    }
    return new Paging(p, s);
  }

  private static int parse(String name, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          name + " must be a whole number, not '" + shorten(value) + "'");
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
