package org.fanmail.console;

import java.time.Instant;

/**
 * One member import as its row records it: the counts the progress page shows and, once it ended,
 * the detail (the invalid rows, or why it failed). {@code percent} is how much of the upload was
 * read, the one measure known before the rows are counted.
 */
public record ImportJob(
    long id,
    String list,
    String actor,
    String fileName,
    ImportJobState state,
    long totalBytes,
    long bytesRead,
    long rowsRead,
    long added,
    long updated,
    long skipped,
    long failed,
    String detail,
    Instant createdAt,
    Instant finishedAt) {

  /** Share of the upload read, 0 to 100; 100 once DONE. */
  public int percent() {
    if (state == ImportJobState.DONE) {
      return 100;
    }
    if (totalBytes <= 0) {
      return 0;
    }
    return (int) Math.min(100, bytesRead * 100 / totalBytes);
  }

  public boolean isFinished() {
    return state.isFinal();
  }
}
