package org.fanmail.console;

/**
 * The named SQL of the web admin's member imports ({@code import_job}, migration V37). The import
 * itself runs in {@code list.MemberImport}'s transaction; these statements run on connections of
 * their own in autocommit, so the progress page sees each batch while the import is still
 * uncommitted.
 */
public final class ImportJobQueries {
  private ImportJobQueries() {}

  /** A new job, QUEUED, for an upload of {@code total_bytes}. Returns its id. */
  public static final String INSERT =
      "insert into import_job (list_id, actor, file_name, total_bytes) values (?, ?, ?, ?)"
          + " returning id";

  /** QUEUED → RUNNING; no row when the job was already failed by the sweep. */
  public static final String START =
      "update import_job set state = 'RUNNING', updated_at = now()"
          + " where id = ? and state = 'QUEUED' returning id";

  /**
   * The counts after a batch, and the heartbeat ({@code updated_at}) the sweep reads. Only while
   * RUNNING: a job the sweep already failed keeps its state.
   */
  public static final String PROGRESS =
      "update import_job set bytes_read = ?, rows_read = ?, rows_added = ?, rows_updated = ?,"
          + " rows_skipped = ?, rows_failed = ?, updated_at = now()"
          + " where id = ? and state = 'RUNNING'";

  /** RUNNING → DONE or FAILED with the final counts and a detail (invalid rows, or the error). */
  public static final String FINISH =
      "update import_job set state = ?, bytes_read = ?, rows_read = ?, rows_added = ?,"
          + " rows_updated = ?, rows_skipped = ?, rows_failed = ?, detail = left(?, 20000),"
          + " updated_at = now(), finished_at = now()"
          + " where id = ? and state in ('QUEUED', 'RUNNING')";

  /** One job, with its list's address (the page checks the principal may manage that list). */
  public static final String GET =
      "select j.id, l.address, j.actor, j.file_name, j.state, j.total_bytes, j.bytes_read,"
          + " j.rows_read, j.rows_added, j.rows_updated, j.rows_skipped, j.rows_failed, j.detail,"
          + " j.created_at, j.finished_at"
          + " from import_job j join mailing_list l on l.id = j.list_id where j.id = ?";

  /** A list's latest jobs, newest first (index import_job_list_idx). */
  public static final String LATEST_OF_LIST =
      "select j.id, l.address, j.actor, j.file_name, j.state, j.total_bytes, j.bytes_read,"
          + " j.rows_read, j.rows_added, j.rows_updated, j.rows_skipped, j.rows_failed, j.detail,"
          + " j.created_at, j.finished_at"
          + " from import_job j join mailing_list l on l.id = j.list_id where j.list_id = ?"
          + " order by j.id desc limit ?";

  /**
   * Open jobs without a heartbeat for the given number of seconds: the instance running them
   * stopped (their upload was a file on that instance), so no one will finish them. Partial index
   * import_job_open_idx.
   */
  public static final String FAIL_ABANDONED =
      "update import_job set state = 'FAILED', finished_at = now(), updated_at = now(),"
          + " detail = 'the instance running this import stopped before it finished;"
          + " nothing of it was kept: upload the file again'"
          + " where state in ('QUEUED', 'RUNNING')"
          + " and updated_at < now() - make_interval(secs => ?)";
}
