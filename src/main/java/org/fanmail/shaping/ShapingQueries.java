package org.fanmail.shaping;

/**
 * The SQL of traffic shaping: the shared state and token bucket of each site ({@code shaping_site},
 * V28), the postponement of a suspended site's rows, and the backlog per site for the destinations
 * view. {@code QueriesTest} prepares every statement.
 */
public final class ShapingQueries {
  private ShapingQueries() {}

  /**
   * Records a site's state for every instance (site, state, until, reason, MX hosts, throttle
   * connections, throttle rate). The MX hosts are kept when the caller knows none (an operator
   * suspending a site by name); the bucket columns are left alone.
   */
  public static final String UPSERT_STATE =
      "insert into shaping_site as s (site, state, until_at, reason, mx_hosts,"
          + " throttle_connections, throttle_rate, updated_at)"
          + " values (?, ?, ?, ?, ?, ?, ?, now())"
          + " on conflict (site) do update set state = excluded.state,"
          + " until_at = excluded.until_at, reason = excluded.reason,"
          + " mx_hosts = case when cardinality(excluded.mx_hosts) > 0 then excluded.mx_hosts"
          + " else s.mx_hosts end,"
          + " throttle_connections = excluded.throttle_connections,"
          + " throttle_rate = excluded.throttle_rate, updated_at = now()";

  /**
   * Every site's recorded state, read at each refresh (one row per site that was ever throttled,
   * suspended or rate-limited: a few hundred at most; the limit bounds a table gone wrong).
   */
  public static final String READ_STATES =
      "select site, state, until_at, reason, mx_hosts, throttle_connections, throttle_rate"
          + " from shaping_site order by site limit 10000";

  /**
   * Takes {@code n} tokens from a site's bucket and says how many are left (negative: the caller
   * waits {@code -left / rate} seconds for its turn). The bucket refills at {@code rate} tokens a
   * second up to {@code capacity}; one statement, so instances taking at once queue on the row lock
   * and each gets its own turn: the rate holds for the cluster. A site without a row starts full.
   * Parameters: site, capacity, n, capacity, rate, n.
   */
  public static final String TAKE_TOKENS =
      "insert into shaping_site as s (site, tokens, refilled_at)"
          + " values (?, ?::float8 - ?::float8, clock_timestamp())"
          + " on conflict (site) do update set tokens = least(?::float8, s.tokens"
          + " + extract(epoch from clock_timestamp() - s.refilled_at)::float8 * ?::float8)"
          + " - ?::float8,"
          + " refilled_at = clock_timestamp()"
          + " returning tokens";

  /**
   * A suspended site's rows go back to the queue, due when the site opens: not attempted, so their
   * attempts and retry schedule are untouched (parameters: due, ids, lease owner).
   */
  public static final String POSTPONE_DELIVERIES =
      "update delivery set next_attempt_at = ?, lease_owner = null, lease_until = null,"
          + " updated_at = now()"
          + " where id = any(?) and lease_owner = ? and state = 'PENDING'";

  /**
   * An operator resumed a site: the rows of one of its (destination, hosts) pairs that wait for a
   * later time are due now, postponed or deferred alike (the operator asks for "now"); rows leased
   * by a live instance are left to it (parameters: destination, hosts).
   */
  public static final String RELEASE_SITE =
      "update delivery set next_attempt_at = now(), updated_at = now()"
          + " where state = 'PENDING' and destination = ? and hosts = ?"
          + " and next_attempt_at > now() and (lease_until is null or lease_until < now())";

  /**
   * Recipients still to deliver by destination and MX host list (each becomes a site in Java, where
   * the profiles are); the limit bounds a queue of very many small domains.
   */
  public static final String PENDING_BY_HOSTS =
      "select d.destination, d.hosts, count(*)"
          + " from delivery d join recipient r on r.delivery_id = d.id"
          + " where d.state = 'PENDING' and r.state in ('PENDING', 'DEFERRED')"
          + " group by d.destination, d.hosts order by 3 desc limit 10000";
}
