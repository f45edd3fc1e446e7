package org.fanmail.queue;

/**
 * The named SQL behind the delivery status the admin API shows: one post's outcome per destination
 * and the queue as a whole. Read-only, not on the delivery path.
 */
public final class StatusQueries {
  private StatusQueries() {}

  /**
   * One post and its recipient totals, counted over its delivery rows' recipients in one pass (the
   * {@code recipient} view: moved recipients are counted in the row they moved to).
   */
  public static final String POST_SUMMARY =
      "select p.id, p.list_address, p.message_id, p.from_header, p.subject, p.received_at,"
          + " p.state, p.rule_hits, t.recipients, t.delivered, t.deferred, t.failed, p.done_at"
          + " from post p cross join lateral (select count(*) as recipients,"
          + " count(*) filter (where r.state = 'DELIVERED') as delivered,"
          + " count(*) filter (where r.state = 'DEFERRED') as deferred,"
          + " count(*) filter (where r.state = 'FAILED') as failed"
          + " from recipient r where r.post_id = p.id) t"
          + " where p.id = ?";

  /**
   * A post's recipients per destination host (group key); recipients that failed at expansion
   * (unroutable domains) are in a delivery row named after their domain. lastReply: the latest
   * reply that was not a success. TLS: the policy the host's rows last got (the greatest name when
   * they differ) and whether all of their last sessions used TLS; null before any attempt.
   */
  public static final String POST_HOSTS =
      "select d.destination as host, count(*),"
          + " count(*) filter (where r.state = 'DELIVERED'),"
          + " count(*) filter (where r.state = 'DEFERRED'),"
          + " count(*) filter (where r.state = 'FAILED'),"
          + " (array_agg(r.last_reply order by r.updated_at desc)"
          + "   filter (where r.state <> 'DELIVERED' and r.last_reply is not null))[1],"
          + " max(d.tls_policy), bool_and(d.tls_used)"
          + " from recipient r join delivery d on d.id = r.delivery_id"
          + " where r.post_id = ? group by 1 order by 2 desc, 1";

  /**
   * Queue totals: open recipients by state and the age of the oldest post among them. Open
   * recipients are found in the PENDING delivery rows (a delivery stays PENDING while any of its
   * recipients is open), so the question costs the queue's size, not the history's.
   */
  public static final String QUEUE_TOTALS =
      "select coalesce(sum(o.pending), 0), coalesce(sum(o.deferred), 0),"
          + " coalesce(extract(epoch from now() - min(p.received_at)), 0)::bigint"
          + " from delivery d join post p on p.id = d.post_id"
          + " cross join lateral (select"
          + " case when d.outcomes is null then cardinality(d.members)"
          + " else (select count(*) from unnest(d.outcomes) s where s = 'PENDING') end as pending,"
          + " case when d.outcomes is null then 0"
          + " else (select count(*) from unnest(d.outcomes) s where s = 'DEFERRED') end as deferred)"
          + " o"
          + " where d.state = 'PENDING'";

  /** Delivery rows being worked on right now (leased and not expired), by any instance. */
  public static final String IN_FLIGHT =
      "select count(*) from delivery where state = 'PENDING' and lease_until > now()";

  /** The destinations with the largest backlog (parameter: how many). */
  public static final String TOP_DESTINATIONS =
      "select d.destination, sum(recipients_open(cardinality(d.members), d.outcomes)),"
          + " coalesce(extract(epoch from now() - min(p.received_at)), 0)::bigint"
          + " from delivery d join post p on p.id = d.post_id"
          + " where d.state = 'PENDING'"
          + " group by d.destination order by 2 desc, 1 limit ?";
}
