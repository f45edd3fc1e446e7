package org.fanmail.list;

import java.util.List;

/**
 * What an import did: members added, members changed (name or any attribute), rows that changed
 * nothing (including repeated addresses within the file, counted once), rows the format leaves out
 * on purpose ({@code skipped}: a Mailman non-member, a listmonk blocklisted subscriber), the rows
 * refused with their line and reason, and the input's columns or fields that fanmail has no place
 * for ({@code ignored}). {@code invalid} lists at most {@link MemberImport#MAX_REPORTED_INVALID}
 * entries; {@code invalidTotal} counts them all.
 */
public record ImportReport(
    long added,
    long updated,
    long unchanged,
    long skipped,
    List<InvalidRow> invalid,
    long invalidTotal,
    List<String> ignored) {

  /** A refused row: its line, the value at fault (shortened), and why. */
  public record InvalidRow(long line, String value, String reason) {}
}
