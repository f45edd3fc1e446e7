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
   * Writes the small posts of one batch, routed in memory, in one statement: their delivery rows
   * (ids drawn from the identity sequence first, so that recipients can point at them), their
   * recipient rows, and each post's move to DELIVERING, or DONE when it got no delivery row.
   * Delivery rows due now are written leased to the lease owner for the lease's seconds when the
   * owner is not null (the scheduler of this instance reserved room for them: {@code
   * queue.DeliveryHandoff}), and returned (id, post id, destination, hosts, attempts) in id order.
   * A destination that could not be resolved for now waits for the first retry step. The eighteen
   * parameters are bound by {@link SmallPostsWrite#bind}, which names each one.
   */
  public static final String WRITE_SMALL_POSTS =
      "with ids as materialized ("
          + " select nextval(pg_get_serial_sequence('delivery', 'id')) as id, n"
          + " from generate_series(1, ?) as n),"
          + " lease as (select ?::text as owner, now() + make_interval(secs => ?) as until),"
          + " deliveries as (insert into delivery (id, post_id, destination, hosts,"
          + " next_attempt_at, attempts, last_reply, lease_owner, lease_until) overriding system value"
          + " select ids.id, u.post_id, u.destination, string_to_array(u.hosts, ' '),"
          + " case when u.temporary then now() + make_interval(secs => ?) else now() end,"
          + " case when u.temporary then 1 else 0 end, u.reason,"
          + " case when u.temporary then null else lease.owner end,"
          + " case when u.temporary or lease.owner is null then null else lease.until end"
          + " from unnest(?::bigint[], ?::text[], ?::text[], ?::boolean[], ?::text[])"
          + " with ordinality as u(post_id, destination, hosts, temporary, reason, n)"
          + " join ids on ids.n = u.n cross join lease"
          + " returning id, post_id, destination, hosts, attempts, lease_owner),"
          + " expanded as (update post p set"
          + " state = case when e.deliveries > 0 then 'DELIVERING' else 'DONE' end,"
          + " expanded_at = now(), updated_at = now(),"
          + " done_at = case when e.deliveries > 0 then null else now() end"
          + " from unnest(?::bigint[], ?::integer[]) as e(id, deliveries) where p.id = e.id),"
          + " recipients as (insert into recipient (post_id, member_id, email, domain, delivery_id,"
          + " state, last_reply)"
          + " select r.post_id, nullif(r.member_id, 0), r.email, r.domain, ids.id, r.state, r.reply"
          + " from unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[],"
          + " ?::text[]) with ordinality"
          + " as r(post_id, member_id, email, domain, n, state, reply, position)"
          + " left join ids on ids.n = r.n order by r.position)"
          + " select id, post_id, destination, hosts, attempts from deliveries"
          + " where lease_owner is not null order by id";

  /**
   * The values of {@link #WRITE_SMALL_POSTS} for one batch: one array per column, the arrays of one
   * table of equal length. A recipient's {@code delivery} is the 1-based index into the batch's
   * deliveries (0: none, FAILED at once); {@code memberId} 0 is no member (system mail).
   */
  record SmallPostsWrite(
      String leaseOwner,
      double leaseSeconds,
      double firstRetrySeconds,
      Long[] deliveryPost,
      String[] destination,
      String[] hosts,
      Boolean[] temporary,
      String[] reason,
      Long[] post,
      Integer[] postDeliveries,
      Long[] recipientPost,
      Long[] memberId,
      String[] email,
      String[] domain,
      Integer[] delivery,
      String[] state,
      String[] reply) {

    /** Binds every parameter of {@link #WRITE_SMALL_POSTS}, in the order of its text. */
    void bind(PreparedStatement ps) throws SQLException {
      Connection c = ps.getConnection();
      // ids: generate_series(1, ?), one id per delivery row
      ps.setInt(1, deliveryPost.length);
      // lease: owner (null: written unleased) and its length in seconds
      ps.setString(2, leaseOwner);
      ps.setDouble(3, leaseSeconds);
      // deliveries: the wait of a destination not resolved for now
      ps.setDouble(4, firstRetrySeconds);
      // deliveries: unnest(post_id, destination, hosts, temporary, reason)
      ps.setArray(5, c.createArrayOf("bigint", deliveryPost));
      ps.setArray(6, c.createArrayOf("text", destination));
      ps.setArray(7, c.createArrayOf("text", hosts));
      ps.setArray(8, c.createArrayOf("boolean", temporary));
      ps.setArray(9, c.createArrayOf("text", reason));
      // expanded: unnest(id, deliveries)
      ps.setArray(10, c.createArrayOf("bigint", post));
      ps.setArray(11, c.createArrayOf("integer", postDeliveries));
      // recipients: unnest(post_id, member_id, email, domain, n, state, reply)
      ps.setArray(12, c.createArrayOf("bigint", recipientPost));
      ps.setArray(13, c.createArrayOf("bigint", memberId));
      ps.setArray(14, c.createArrayOf("text", email));
      ps.setArray(15, c.createArrayOf("text", domain));
      ps.setArray(16, c.createArrayOf("integer", delivery));
      ps.setArray(17, c.createArrayOf("text", state));
      ps.setArray(18, c.createArrayOf("text", reply));
    }
  }
}
