package org.fanmail.queue;

/**
 * The named SQL of raw-bytes retention ({@link RawRetention}): one bounded batch of finished posts
 * purged per statement.
 */
public final class RetentionQueries {
  private RetentionQueries() {}

  /**
   * Purges the bytes of the next finished posts (DONE, DISCARDED, REJECTED; expired held posts are
   * DISCARDED) whose last state change is older than the retention, in id order after the last id
   * examined. A list's accepted posts (purpose POST, DONE) and the messages imported into its
   * archive (ARCHIVED) are kept while its {@code archive} is on or its archive pages are shown
   * ({@code archive_access} PUBLIC or MEMBERS); a post whose list is gone has no archive. A post
   * still pending a digest ({@code digest_pending}: in no issue yet) keeps its bytes while its list
   * has a member in a digest mode (chosen or still in effect, whatever the member's status), so the
   * issue can hold its text; once the issue is written (its text is in the digest post) or the
   * period ends without digest members (recorded as in no digest), it is purged like any other.
   * Rows locked by someone else are skipped (the next run takes them), and posts still in flight
   * (RECEIVED, ACCEPTED, HELD, DELIVERING, PARKED) are never candidates. Served by {@code
   * post_raw_retention_ix}. Parameters: last id examined, retention in seconds, batch size.
   * Answers: the highest id examined (null when none was), how many were examined, how many purged.
   */
  public static final String PURGE_RAW_BATCH =
      "with batch as (select p.id, p.purpose, p.state, p.list_id from post p"
          + " where p.raw_purged_at is null and p.state in ('DONE', 'DISCARDED', 'REJECTED')"
          + " and p.id > ? and p.updated_at < now() - make_interval(secs => ?)"
          + " order by p.id limit ? for update of p skip locked),"
          + " purged as (update post p set raw = ''::bytea, raw_purged_at = now()"
          + " from batch b left join mailing_list l on l.id = b.list_id"
          + " where p.id = b.id"
          + " and not (b.purpose in ('POST', 'ARCHIVED') and b.state = 'DONE'"
          + " and coalesce(l.archive or l.archive_access <> 'PRIVATE', false))"
          + " and not (b.purpose = 'POST' and exists (select 1 from digest_pending d"
          + " where d.post_id = b.id) and exists (select 1 from member m where m.list_id = b.list_id"
          + " and (m.delivery_mode in ('DIGEST_MIME', 'DIGEST_PLAIN')"
          + " or m.period_mode in ('DIGEST_MIME', 'DIGEST_PLAIN'))))"
          + " returning p.id)"
          + " select (select max(id) from batch), (select count(*) from batch),"
          + " (select count(*) from purged)";
}
