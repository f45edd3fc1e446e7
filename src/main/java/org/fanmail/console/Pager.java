package org.fanmail.console;

import org.fanmail.list.Page;

/**
 * Paging links of a web admin table: the 0-based page shown, its neighbours and the total. Page
 * numbers come from the query string, so they are parsed here with bounds: a bad or negative value
 * is page 0, never an error page.
 */
public record Pager(int page, int size, long total) {
  /** Rows per page of every web admin table. */
  public static final int SIZE = 50;

  /** Highest page number accepted (50 rows × 100,000 pages covers any list). */
  static final int MAX_PAGE = 100_000;

  public static Pager of(Page<?> page) {
    return new Pager(page.page(), page.size(), page.total());
  }

  /** The page number in {@code value}, 0 when absent, malformed or out of bounds. */
  public static int parse(String value) {
    if (value == null || value.isBlank() || value.length() > 6) {
      return 0;
    }
    try {
      int n = Integer.parseInt(value.strip());
      return n < 0 || n > MAX_PAGE ? 0 : n;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public boolean hasPrevious() {
    return page > 0;
  }

  public boolean hasNext() {
    return (long) (page + 1) * size < total;
  }

  public int previous() {
    return page - 1;
  }

  public int next() {
    return page + 1;
  }

  /** The page number as people count (1-based). */
  public int shown() {
    return page + 1;
  }
}
