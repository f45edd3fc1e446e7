package org.fanmail.list;

/**
 * A member import has more rows than {@code fanmail.admin.max-import-rows}. Thrown while streaming,
 * so the import's transaction rolls back and nothing of it is kept; answered with 413.
 */
public final class ImportTooLargeException extends RuntimeException {
  public ImportTooLargeException(int maxRows) {
    super(
        "the import has more than "
            + maxRows
            + " rows (fanmail.admin.max-import-rows); split it into several requests",
        null,
        false,
        false);
  }
}
