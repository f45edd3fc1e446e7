package org.fanmail.list;

import java.util.List;

/**
 * What an import did: members added, members whose name changed, rows that changed nothing
 * (including repeated addresses within the file, counted once), and the rows refused with their
 * line and reason. {@code invalid} lists at most {@link MemberImport#MAX_REPORTED_INVALID} entries;
 * {@code invalidTotal} counts them all.
 */
public record ImportReport(
    long added, long updated, long unchanged, List<InvalidRow> invalid, long invalidTotal) {

  /** A refused row: its line, the value at fault (shortened), and why. */
  public record InvalidRow(long line, String value, String reason) {}
}
