package org.fanmail.queue;

/**
 * The named SQL of {@link PostStore}, in one visible place. Each statement says why it has its
 * shape; {@code PostQueriesTest} prepares all of them against the migrated schema so a mismatch
 * fails the build.
 */
public final class PostQueries {
  private PostQueries() {}

  /**
   * One post row per (list, purpose) of an SMTP transaction. {@code returning id} hands the id back
   * in the same round trip for the "queued as" reply; the raw bytes arrive as a stream so a large
   * message never has to sit in the heap.
   */
  public static final String INSERT_POST =
      "insert into post (list_id, list_address, purpose, purpose_arg, state, envelope_from,"
          + " message_id, from_header, subject, raw, size, rule_hits, reason, client_address,"
          + " helo) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id";

  /** All statements, for the preparation test. */
  public static final String[] ALL = {INSERT_POST};
}
