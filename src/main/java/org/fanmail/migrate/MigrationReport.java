package org.fanmail.migrate;

import java.util.List;
import org.fanmail.list.ImportReport;
import org.fanmail.list.ImportReport.InvalidRow;

/**
 * The answer of a migration import: the member import's counts and refused rows ({@link
 * ImportReport}: added, updated, unchanged, skipped, invalid with line and reason), the fields of
 * the foreign export fanmail has no place for ({@code ignored}, prefixed {@code list.} or {@code
 * members.} where a Mailman export has both), and the fanmail list settings that were set ({@code
 * settings}, empty when the export carried no list configuration).
 */
public record MigrationReport(
    long added,
    long updated,
    long unchanged,
    long skipped,
    List<InvalidRow> invalid,
    long invalidTotal,
    List<String> ignored,
    List<String> settings) {

  /** The report of a members-only import, its ignored fields under {@code prefix}. */
  public static MigrationReport of(ImportReport r, String prefix) {
    return new MigrationReport(
        r.added(),
        r.updated(),
        r.unchanged(),
        r.skipped(),
        r.invalid(),
        r.invalidTotal(),
        r.ignored().stream().map(f -> prefix + f).toList(),
        List.of());
  }
}
