package org.fanmail.fanout;

import org.fanmail.fanout.SetBasedQueries.ChunkTables;

/**
 * The named SQL of the sliced path ({@link SlicedExpansion}): the chunk and delivery tables that
 * outlive each slice's commit, the post's advisory lock, and the resume of a post left half-written
 * (its members without a recipient row, an anti-join run with nested loops off).
 */
final class SlicedQueries {
  private SlicedQueries() {}

  /**
   * The chunk and delivery tables for a post written in slices (more than 10,000 recipients): their
   * rows outlive the commit of each slice, and are removed when the post is done with them.
   */
  public static final String CREATE_SLICED_CHUNK_TABLE =
      "create temporary table if not exists fanout_sliced_chunk (member_id bigint not null,"
          + " email text not null, domain text not null, group_key text not null,"
          + " chunk integer not null) on commit preserve rows";

  /** Each slice reads its own chunks, not the whole post. */
  public static final String CREATE_SLICED_CHUNK_INDEX =
      "create index if not exists fanout_sliced_chunk_ix on fanout_sliced_chunk (chunk)";

  public static final String CREATE_SLICED_DELIVERY_TABLE =
      "create temporary table if not exists fanout_sliced_delivery (group_key text not null,"
          + " chunk integer not null, delivery_id bigint not null, hosts text[] not null,"
          + " temporary boolean not null, reason text, primary key (group_key, chunk))"
          + " on commit preserve rows";

  /** Empties the sliced tables (before a sliced post and after it). */
  public static final String CLEAR_SLICED_TABLES =
      "truncate fanout_sliced_chunk, fanout_sliced_delivery";

  /** A post written in slices: the tables that outlive each slice's commit. */
  static final ChunkTables SLICED = ChunkTables.of("fanout_sliced_chunk", "fanout_sliced_delivery");

  public static final String NUMBER_SLICED_RECIPIENTS = SLICED.numberRecipients();
  public static final String ALLOCATE_SLICED_DELIVERIES = SLICED.allocateDeliveries();
  public static final String INSERT_SLICED_DELIVERIES = SLICED.insertDeliveries();
  public static final String INSERT_SLICED_RECIPIENTS = SLICED.insertRecipients();
  public static final String LAST_SLICED_CHUNK = SLICED.lastChunk();

  /**
   * A post written in slices is DELIVERING from its first slice on, but not expanded (expanded_at
   * null) until its last: no delivery close makes it DONE before then ({@code
   * DeliveryQueries.FINISH_POST}), and if its expander dies the scan resumes it.
   */
  public static final String START_SLICES =
      "update post set state = 'DELIVERING', updated_at = now() where id = ?";

  /**
   * Whether a list has more active members than a post may have to be written whole (parameters:
   * list id, {@link SlicedExpansion#SLICED_POST} + 1): an index-only count that stops at the bound,
   * asked before a post of the list is copied into the working tables, so that a large post's first
   * transactions can be written before the copy ({@link SlicedHead}).
   */
  public static final String LIST_IS_LARGE =
      "select count(*) from (select 1 from member where list_id = ? and status = 'ACTIVE'"
          + " limit ?) m";

  /**
   * The head of a large post: its first deliverable members in member-id order (the list's index),
   * at most parameter 3. Parameters: list id, post id, how many.
   */
  public static final String SELECT_HEAD =
      FanoutQueries.DELIVERABLE_MEMBERS.substring(1) + " order by m.id limit ?";

  /**
   * Writes transactions of a large post's head: delivery rows due now (ids drawn from the identity
   * sequence first, so that recipients can point at them) and their PENDING recipient rows, in one
   * statement. The post's state is not touched ({@link #START_SLICES} made it DELIVERING, and its
   * last slice sets expanded_at). Parameters: how many deliveries, post id, the deliveries as
   * arrays (destination, hosts joined by spaces), post id, the recipients as arrays (member id,
   * email, domain, 1-based index of its delivery).
   */
  public static final String WRITE_HEAD =
      "with ids as materialized ("
          + " select nextval(pg_get_serial_sequence('delivery', 'id')) as id, n"
          + " from generate_series(1, ?) as n),"
          + " deliveries as (insert into delivery (id, post_id, destination, hosts)"
          + " overriding system value"
          + " select ids.id, ?, u.destination, string_to_array(u.hosts, ' ')"
          + " from unnest(?::text[], ?::text[]) with ordinality as u(destination, hosts, n)"
          + " join ids on ids.n = u.n)"
          + " insert into recipient (post_id, member_id, email, domain, delivery_id)"
          + " select ?, r.member_id, r.email, r.domain, ids.id"
          + " from unnest(?::bigint[], ?::text[], ?::text[], ?::integer[]) with ordinality"
          + " as r(member_id, email, domain, n, position)"
          + " join ids on ids.n = r.n order by r.position";

  /**
   * A post left half-written by an expander that died (expanded_at null while DELIVERING). Whoever
   * takes its advisory lock ({@link #TRY_LOCK_EXPANSION}) resumes it.
   */
  public static final String UNFINISHED_EXPANSIONS =
      "select id from post where state = 'DELIVERING' and expanded_at is null"
          + " and purpose in ('POST', 'DIGEST') order by id limit 20";

  /**
   * The session lock of a post's expansion (single 64-bit key: the post id; fanmail takes no other
   * single-key advisory lock). Held from the first slice to the last; released when the session
   * ends, so a killed expander's post is free to resume at once.
   */
  public static final String TRY_LOCK_EXPANSION = "select pg_try_advisory_lock(?)";

  public static final String UNLOCK_EXPANSION = "select pg_advisory_unlock(?)";

  /** Under the lock: is the post still half-written? Locks its row for the transaction. */
  public static final String RECHECK_UNFINISHED =
      "select list_id from post where id = ? and state = 'DELIVERING' and expanded_at is null"
          + " for update";

  /**
   * The candidates of a resumed post: the list's deliverable members who have no recipient row for
   * it yet. Parameters: list id, post id. Run under {@link #NO_NESTED_LOOPS}.
   */
  public static final String INSERT_REMAINING_CANDIDATES =
      SetBasedQueries.INSERT_CANDIDATES
          + " and not exists (select 1 from recipient x where x.post_id = p.id"
          + " and x.email = m.email)";

  /**
   * For the resumed post's anti-join only: recipient rows are indexed by post alone, and a nested
   * loop reads every recipient row of the post once per member. Planned that way (statistics from
   * when the post had few rows), 50,000 members against 32,000 written rows ran for minutes,
   * holding the post's expansion lock, and went on after its instance was killed (a backend busy in
   * a statement does not notice its client is gone), so no restarted instance could resume the
   * post. Without nested loops it is a hash (or merge) anti-join: linear, and it spills to disk
   * rather than degrade. Undone by {@link #NESTED_LOOPS} right after.
   */
  public static final String NO_NESTED_LOOPS = "set local enable_nestloop = off";

  public static final String NESTED_LOOPS = "set local enable_nestloop = on";
}
