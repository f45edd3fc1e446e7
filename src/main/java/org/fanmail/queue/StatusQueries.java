package org.fanmail.queue;

/**
 * The named SQL behind the delivery status the admin API shows: one post's outcome per destination
 * and the queue as a whole. Read-only, not on the delivery path.
 */
public final class StatusQueries {
  private StatusQueries() {}

  /** One post and its recipient totals. */
  public static final String POST_SUMMARY =
      "select p.id, p.list_address, p.message_id, p.from_header, p.subject, p.received_at,"
          + " p.state, p.rule_hits,"
          + " (select count(*) from recipient r where r.post_id = p.id),"
          + " (select count(*) from recipient r where r.post_id = p.id and r.state = 'DELIVERED'),"
          + " (select count(*) from recipient r where r.post_id = p.id and r.state = 'DEFERRED'),"
          + " (select count(*) from recipient r where r.post_id = p.id and r.state = 'FAILED'),"
          + " p.done_at"
          + " from post p where p.id = ?";

  /**
   * A post's recipients per destination host (group key); recipients that failed before any
   * delivery row existed (unroutable domains) are shown under their domain. lastReply: the latest
   * reply that was not a success. TLS: the policy the host's rows last got (the greatest name when
   * they differ) and whether all of their last sessions used TLS; null before any attempt.
   */
  public static final String POST_HOSTS =
      "select coalesce(d.destination, r.domain) as host, count(*),"
          + " count(*) filter (where r.state = 'DELIVERED'),"
          + " count(*) filter (where r.state = 'DEFERRED'),"
          + " count(*) filter (where r.state = 'FAILED'),"
          + " (array_agg(r.last_reply order by r.updated_at desc)"
          + "   filter (where r.state <> 'DELIVERED' and r.last_reply is not null))[1],"
          + " max(d.tls_policy), bool_and(d.tls_used)"
          + " from recipient r left join delivery d on d.id = r.delivery_id"
          + " where r.post_id = ? group by 1 order by 2 desc, 1";

  /**
   * Queue totals: open recipients by state and the age of the oldest post among them. Open
   * recipients are found through the PENDING delivery rows (a delivery stays PENDING while any of
   * its recipients is open), so the question costs the queue's size, not the table's.
   */
  public static final String QUEUE_TOTALS =
      "select count(*) filter (where r.state = 'PENDING'),"
          + " count(*) filter (where r.state = 'DEFERRED'),"
          + " coalesce(extract(epoch from now() - min(p.received_at)), 0)::bigint"
          + " from delivery d join recipient r on r.delivery_id = d.id"
          + " join post p on p.id = d.post_id"
          + " where d.state = 'PENDING' and r.state in ('PENDING', 'DEFERRED')";

  /** Delivery rows being worked on right now (leased and not expired), by any instance. */
  public static final String IN_FLIGHT =
      "select count(*) from delivery where state = 'PENDING' and lease_until > now()";

  /** The destinations with the largest backlog (parameter: how many). */
  public static final String TOP_DESTINATIONS =
      "select d.destination, count(*),"
          + " coalesce(extract(epoch from now() - min(p.received_at)), 0)::bigint"
          + " from delivery d join recipient r on r.delivery_id = d.id"
          + " join post p on p.id = d.post_id"
          + " where d.state = 'PENDING' and r.state in ('PENDING', 'DEFERRED')"
          + " group by d.destination order by 2 desc, 1 limit ?";
}
