package org.fanmail.shaping;

/**
 * The SQL of traffic shaping: the shared state and token buckets of each site ({@code
 * shaping_site}, V28, V33), its connection slots ({@code shaping_connection}, V33), the
 * postponement of a suspended site's rows, and the backlog per site for the destinations view.
 * {@code QueriesTest} prepares every statement.
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
      "select d.destination, d.hosts, sum(recipients_open(cardinality(d.members), d.outcomes))"
          + " from delivery d where d.state = 'PENDING'"
          + " group by d.destination, d.hosts order by 3 desc limit 10000";

  /**
   * Whether the instance that wrote {@code f.owner_instance} is gone: no session of this database
   * holds its instance lock ({@code DeliveryQueries.TRY_LOCK_INSTANCE}, the same test as {@code
   * DeliveryQueries.TAKE_OVER_DEAD_LEASES}). Spelled here again because shaping knows no stage.
   */
  private static final String OWNER_GONE =
      "not exists (select 1 from pg_locks l"
          + " where l.locktype = 'advisory' and l.granted and l.objsubid = 2"
          + " and l.database = (select oid from pg_database where datname = current_database())"
          + " and l.classid = hashtext('fanmail.instance')::oid"
          + " and l.objid = hashtext(f.owner_instance)::oid)";

  /**
   * Takes the lowest free connection slot of a site below the caller's limit for it, for one lease;
   * returns the slot and whoever held it before (null: nobody, else a lapsed or dead holder). Free:
   * nobody holds it, its lease ran out, or its holder's instance lock is free. The queue pattern
   * ({@code for update skip locked}): two instances taking at once never get one slot, a slot being
   * taken is skipped, and one taken meanwhile is checked again and passed over. No row: every slot
   * below the limit is held, or the rows are not made yet ({@link #ENSURE_SLOTS}). Parameters:
   * site, limit, owner, lease in seconds.
   */
  public static final String TAKE_SLOT =
      "with free as (select f.site, f.slot, f.owner_instance from shaping_connection f"
          + " where f.site = ? and f.slot < ?"
          + " and (f.owner_instance is null or f.lease_until < now() or "
          + OWNER_GONE
          + ")"
          + " order by f.slot limit 1 for update skip locked)"
          + " update shaping_connection c set owner_instance = ?,"
          + " lease_until = now() + make_interval(secs => ?), updated_at = now()"
          + " from free where c.site = free.site and c.slot = free.slot"
          + " returning c.slot, free.owner_instance";

  /**
   * Makes a site's slot rows up to a limit (existing ones untouched); run when {@link #TAKE_SLOT}
   * found none, so once per site and limit, not per connection. Parameters: site, limit.
   */
  public static final String ENSURE_SLOTS =
      "insert into shaping_connection (site, slot)"
          + " select ?, g from generate_series(0, ?::int - 1) g"
          + " on conflict (site, slot) do nothing";

  /** Gives a slot back after its connection closed (parameters: site, slot, owner). */
  public static final String RELEASE_SLOT =
      "update shaping_connection set owner_instance = null, lease_until = null, updated_at = now()"
          + " where site = ? and slot = ? and owner_instance = ?";

  /**
   * Renews every slot an instance holds, in one statement at each scan however many connections it
   * has open; returns how many it still held (fewer: some were taken over while its instance lock
   * was lost). A slot it holds in the table but not in memory (a release that failed) is not
   * renewed and lapses. Parameters: lease in seconds, owner, sites, slots (parallel arrays, built
   * together from one list of held slots).
   */
  public static final String RENEW_SLOTS =
      "update shaping_connection c set lease_until = now() + make_interval(secs => ?)"
          + " where c.owner_instance = ?"
          + " and (c.site, c.slot) in (select * from unnest(?::text[], ?::int[]))";

  /**
   * Deletes the slot rows of sites nobody connected to for a day (free or lapsed), so the table
   * holds the sites of the last day; a slot being taken meanwhile is checked again by the delete
   * and kept. Run at most hourly.
   */
  public static final String FORGET_IDLE_SLOTS =
      "delete from shaping_connection"
          + " where (owner_instance is null or lease_until < now())"
          + " and updated_at < now() - interval '1 day'";

  /**
   * Takes one connection from a site's connection-rate bucket and says how many are left (negative:
   * wait {@code -left / rate} seconds). Like {@link #TAKE_TOKENS}, one statement every instance
   * queues on, so the rate holds for the cluster; the bucket holds one connection (no burst) and a
   * site without a row starts full. Parameters: site, rate (connections a second).
   */
  public static final String TAKE_CONNECT_TOKEN =
      "insert into shaping_site as s (site, connect_tokens, connect_refilled_at)"
          + " values (?, 0, clock_timestamp())"
          + " on conflict (site) do update set connect_tokens = least(1, s.connect_tokens"
          + " + extract(epoch from clock_timestamp() - s.connect_refilled_at)::float8 * ?::float8)"
          + " - 1,"
          + " connect_refilled_at = clock_timestamp()"
          + " returning connect_tokens";
}
