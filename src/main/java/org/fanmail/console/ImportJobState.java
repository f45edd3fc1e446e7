package org.fanmail.console;

/**
 * Where a member import started from the web admin stands: QUEUED (uploaded, waiting for the
 * instance's import thread), RUNNING, then DONE or FAILED. Stored by name in {@code
 * import_job.state} under {@code import_job_state_ck} ({@code StateConstraintsTest} keeps the two
 * equal).
 */
public enum ImportJobState {
  QUEUED,
  RUNNING,
  DONE,
  FAILED;

  /** Whether a job in this state may move to {@code next}: forward only, never out of an end. */
  public boolean canMoveTo(ImportJobState next) {
    return switch (this) {
      case QUEUED -> next == RUNNING || next == FAILED;
      case RUNNING -> next == DONE || next == FAILED;
      case DONE, FAILED -> false;
    };
  }

  public boolean isFinal() {
    return this == DONE || this == FAILED;
  }
}
