package org.fanmail.list;

/**
 * Told by {@link MemberImport} after each batch it has written, from the importing thread: the rows
 * read so far and the counts of the upserts that completed. The counts are not yet committed (an
 * import is one transaction), so a listener reports progress, never a result. A listener must be
 * quick; one that throws fails the import.
 */
@FunctionalInterface
public interface ImportProgress {
  /** A listener that ignores every report. */
  ImportProgress NONE = (read, added, updated, unchanged, invalid) -> {};

  void update(long rowsRead, long added, long updated, long unchanged, long invalid);
}
