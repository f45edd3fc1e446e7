package org.fanmail.fanout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The named SQL of the in-memory path ({@link InMemoryExpansion}): small posts' candidates read in
 * one statement per list, routed in the heap, and written with one statement for the whole batch,
 * whose values {@link SmallPostsWrite} binds beside its text.
 */
final class InMemoryQueries {
  private InMemoryQueries() {}

  /**
   * The candidates of the posts of one list read into the expander in one statement: rows of post
   * id, member id, email, domain; at most parameter 3 rows in all (the caller asks for one more
   * than a small post may have, times the number of posts: when that many come back the list is too
   * big for the in-memory path and its posts take the set-based one). Small posts are routed in
   * memory and written by {@link #WRITE_SMALL_POSTS}. Parameters: list id, post ids, limit.
   *
   * <p>The list id is a parameter of its own, not a column joined from the posts: the planner then
   * plans for that list (an index scan for a small list). Joined per post in a {@code LATERAL}, it
   * planned for the average list and, under a {@code LIMIT}, read the whole member table for a
   * one-member list beside a list of a million (0.3 s a post in the huge bench).
   */
  public static final String SELECT_CANDIDATES_OF_LIST =
      FanoutQueries.DELIVERABLE_MEMBERS
              .replace("select m.id,", "select p.id, m.id,")
              .replace("p.id = ?", "p.id = any(?::bigint[])")
              .substring(1)
          + " limit ?";

  /**
   * The recipients of a batch's delivery rows as arrays, one row per delivery (a fragment: n,
   * emails, members): bound as three flat arrays (1-based index of the recipient's delivery row,
   * member id, email) in RCPT order, each delivery's recipients aggregated in the order they were
   * bound. Read by {@link #WRITE_SMALL_POSTS} and {@code SlicedQueries.WRITE_HEAD}.
   */
  static final String RECIPIENTS_BY_DELIVERY =
      "(select r.n, array_agg(r.email order by r.position) as emails,"
          + " array_agg(r.member_id order by r.position) as members"
          + " from unnest(?::integer[], ?::bigint[], ?::text[]) with ordinality"
          + " as r(n, member_id, email, position) group by r.n)";

  /**
   * Writes the small posts of one batch, routed in memory, in one statement: their delivery rows,
   * each carrying its recipients (emails and member ids, 0 for none) in RCPT order, and each post's
   * move to DELIVERING, or DONE when it got no delivery row to send. A row due now (DUE) is PENDING
   * with no outcomes nor replies (every recipient PENDING), written leased to the lease owner for
   * the lease's seconds when the owner is not null (the scheduler of this instance reserved room
   * for them: {@code queue.DeliveryHandoff}); these rows alone are returned (id, post id,
   * destination, hosts, attempts) in id order. A destination that could not be resolved for now
   * (DEFERRED) waits for the first retry step, unleased, its recipients DEFERRED with the reason. A
   * domain that can never take mail (FAILED) gets a row DONE from the start, never tried and never
   * leased, its recipients FAILED with the reason. The thirteen parameters are bound by {@link
   * SmallPostsWrite#bind}, which names each one.
   */
  public static final String WRITE_SMALL_POSTS =
      "with lease as (select ?::text as owner, now() + make_interval(secs => ?) as until),"
          + " recipients as "
          + RECIPIENTS_BY_DELIVERY
          + ", deliveries as (insert into delivery (post_id, destination, hosts, state,"
          + " next_attempt_at, attempts, last_reply, lease_owner, lease_until, emails, members,"
          + " outcomes, replies)"
          + " select u.post_id, u.destination, string_to_array(u.hosts, ' '),"
          + " case when u.start = 'FAILED' then 'DONE' else 'PENDING' end,"
          + " case when u.start = 'DEFERRED' then now() + make_interval(secs => ?) else now() end,"
          + " case when u.start = 'DEFERRED' then 1 else 0 end, u.reason,"
          + " case when u.start = 'DUE' then lease.owner end,"
          + " case when u.start = 'DUE' and lease.owner is not null then lease.until end,"
          + " r.emails, r.members,"
          + " case when u.start <> 'DUE' then array_fill(case when u.start = 'FAILED'"
          + " then 'FAILED' else 'DEFERRED' end, array[cardinality(r.emails)]) end,"
          + " case when u.start <> 'DUE' then array_fill(u.reason, array[cardinality(r.emails)])"
          + " end"
          + " from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " with ordinality as u(post_id, destination, hosts, start, reason, n)"
          + " join recipients r on r.n = u.n cross join lease"
          + " order by u.n"
          + " returning id, post_id, destination, hosts, attempts, lease_owner),"
          + " expanded as (update post p set"
          + " state = case when e.deliveries > 0 then 'DELIVERING' else 'DONE' end,"
          + " expanded_at = now(), updated_at = now(),"
          + " done_at = case when e.deliveries > 0 then null else now() end"
          + " from unnest(?::bigint[], ?::integer[]) as e(id, deliveries) where p.id = e.id)"
          + " select id, post_id, destination, hosts, attempts from deliveries"
          + " where lease_owner is not null order by id";

  /**
   * The values of {@link #WRITE_SMALL_POSTS} for one batch: one array per column, the arrays of one
   * table of equal length. A recipient's {@code delivery} is the 1-based index into the batch's
   * deliveries, its recipients bound in RCPT order; {@code memberId} 0 is no member (system mail).
   * {@code start} is a {@link SmallPostPlan.Start} name; {@code postDeliveries} counts each post's
   * rows to send (DUE and DEFERRED): a post with none is DONE.
   */
  record SmallPostsWrite(
      String leaseOwner,
      double leaseSeconds,
      Integer[] delivery,
      Long[] memberId,
      String[] email,
      double firstRetrySeconds,
      Long[] deliveryPost,
      String[] destination,
      String[] hosts,
      String[] start,
      String[] reason,
      Long[] post,
      Integer[] postDeliveries) {

    /** Binds every parameter of {@link #WRITE_SMALL_POSTS}, in the order of its text. */
    void bind(PreparedStatement ps) throws SQLException {
      Connection c = ps.getConnection();
      // lease: owner (null: written unleased) and its length in seconds
      ps.setString(1, leaseOwner);
      ps.setDouble(2, leaseSeconds);
      // recipients: unnest(n, member_id, email)
      ps.setArray(3, c.createArrayOf("integer", delivery));
      ps.setArray(4, c.createArrayOf("bigint", memberId));
      ps.setArray(5, c.createArrayOf("text", email));
      // deliveries: the wait of a destination not resolved for now
      ps.setDouble(6, firstRetrySeconds);
      // deliveries: unnest(post_id, destination, hosts, start, reason)
      ps.setArray(7, c.createArrayOf("bigint", deliveryPost));
      ps.setArray(8, c.createArrayOf("text", destination));
      ps.setArray(9, c.createArrayOf("text", hosts));
      ps.setArray(10, c.createArrayOf("text", start));
      ps.setArray(11, c.createArrayOf("text", reason));
      // expanded: unnest(id, deliveries)
      ps.setArray(12, c.createArrayOf("bigint", post));
      ps.setArray(13, c.createArrayOf("integer", postDeliveries));
    }
  }
}
