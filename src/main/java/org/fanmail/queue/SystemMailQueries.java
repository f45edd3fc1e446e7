package org.fanmail.queue;

/** The named SQL of system mail and its hourly caps. */
public final class SystemMailQueries {
  private SystemMailQueries() {}

  /** One SYSTEM post, ready for expansion. Message-ID and From are not needed on the way out. */
  public static final String INSERT_SYSTEM_POST =
      "insert into post (list_id, list_address, purpose, state, envelope_from, subject, raw, size,"
          + " addressed_to) values (?, ?, 'SYSTEM', 'ACCEPTED', ?, ?, ?, ?, ?) returning id";

  /**
   * Counts one more system mail for a source (or {@code '*'}, every source) in the current hour and
   * returns the new count; the caller writes the mail only while it is within the cap. One upsert,
   * so concurrent writers cannot both slip under it. Parameter: source key.
   */
  public static final String COUNT_SYSTEM_MAIL =
      "insert into system_mail_count (source_key, hour, sent)"
          + " values (?, date_trunc('hour', now()), 1)"
          + " on conflict on constraint system_mail_count_pk do update"
          + " set sent = system_mail_count.sent + 1 returning sent";

  /** Hourly counts of past hours are no longer needed (the request stage's periodic scan). */
  public static final String FORGET_OLD_SYSTEM_MAIL_COUNTS =
      "delete from system_mail_count where hour < date_trunc('hour', now())";
}
