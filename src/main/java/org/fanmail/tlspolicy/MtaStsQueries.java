package org.fanmail.tlspolicy;

/**
 * The named SQL of the MTA-STS policy cache kept in the database ({@link MtaStsStore}): a read by
 * domain when a policy is not in memory (after a restart), an upsert after each fetch, and the
 * removal of expired policies with it. Small table, one row per policy domain; not on the path of
 * every transaction (the memory cache answers first).
 */
public final class MtaStsQueries {
  private MtaStsQueries() {}

  /** The stored policy of a domain that has not expired: id, body, expires_at. */
  public static final String LOAD =
      "select policy_id, body, expires_at from mta_sts_policy"
          + " where domain = ? and expires_at > now()";

  /** Stores (or replaces) a domain's policy: domain, id, body, fetched_at, expires_at. */
  public static final String SAVE =
      "insert into mta_sts_policy (domain, policy_id, body, fetched_at, expires_at)"
          + " values (?, ?, ?, ?, ?)"
          + " on conflict (domain) do update set policy_id = excluded.policy_id,"
          + " body = excluded.body, fetched_at = excluded.fetched_at,"
          + " expires_at = excluded.expires_at";

  /**
   * Forgets policies expired for a day (a day's grace: a row read in the same second is not pulled
   * away from under a reader); bounded per call so one save never deletes a large backlog at once.
   */
  public static final String PURGE_EXPIRED =
      "delete from mta_sts_policy where domain in (select domain from mta_sts_policy"
          + " where expires_at < now() - interval '1 day' limit 100)";
}
