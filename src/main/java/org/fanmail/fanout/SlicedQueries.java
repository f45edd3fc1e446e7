package org.fanmail.fanout;

import org.fanmail.fanout.SetBasedQueries.ChunkTables;

/**
 * The named SQL of the sliced path ({@link SlicedExpansion}): the chunk and delivery tables that
 * outlive each slice's commit, the post's advisory lock, and the resume of a post left half-written
 * (its members not in any of its delivery rows yet, an anti-join run with nested loops off).
 */
final class SlicedQueries {
  private SlicedQueries() {}

  /**
   * The chunk and delivery tables for a post written in slices (more than 10,000 recipients): their
   * rows outlive the commit of each slice, and are removed when the post is done with them.
   */
  public static final String CREATE_SLICED_CHUNK_TABLE =
      "create temporary table if not exists fanout_sliced_chunk (group_key text not null,"
          + " chunk integer not null, emails text[] not null, members bigint[] not null)"
          + " on commit preserve rows";

  /** Each slice reads its own chunks, not the whole post. */
  public static final String CREATE_SLICED_CHUNK_INDEX =
      "create index if not exists fanout_sliced_chunk_ix on fanout_sliced_chunk (chunk)";

  public static final String CREATE_SLICED_DELIVERY_TABLE =
      "create temporary table if not exists fanout_sliced_delivery (group_key text not null,"
          + " chunk integer not null, hosts text[] not null,"
          + " temporary boolean not null, reason text, primary key (group_key, chunk))"
          + " on commit preserve rows";

  /** Empties the sliced tables (before a sliced post and after it). */
  public static final String CLEAR_SLICED_TABLES =
      "truncate fanout_sliced_chunk, fanout_sliced_delivery";

  /** A post written in slices: the tables that outlive each slice's commit. */
  static final ChunkTables SLICED = ChunkTables.of("fanout_sliced_chunk", "fanout_sliced_delivery");

  public static final String NUMBER_SLICED_RECIPIENTS = SLICED.numberRecipients();
  public static final String PLAN_SLICED_DELIVERIES = SLICED.planDeliveries();
  public static final String INSERT_SLICED_DELIVERIES = SLICED.insertDeliveries();
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
   * Writes transactions of a large post's head in one statement: delivery rows due now, in the
   * order bound, each carrying its recipients (emails, member ids) in RCPT order, all PENDING (no
   * outcomes nor replies). The post's state is not touched ({@link #START_SLICES} made it
   * DELIVERING, and its last slice sets expanded_at). Parameters: post id, the recipients as arrays
   * (1-based index of its delivery, member id, email) in RCPT order, the deliveries as arrays
   * (destination, hosts joined by spaces).
   */
  public static final String WRITE_HEAD =
      "insert into delivery (post_id, destination, hosts, emails, members)"
          + " select ?, u.destination, string_to_array(u.hosts, ' '), r.emails, r.members"
          + " from "
          + InMemoryQueries.RECIPIENTS_BY_DELIVERY
          + " r join unnest(?::text[], ?::text[]) with ordinality as u(destination, hosts, n)"
          + " on u.n = r.n order by u.n";

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
   * The candidates of a resumed post: the list's deliverable members whose address is in none of
   * the post's delivery rows yet (whatever their state: sent, to send, DONE because their domain
   * can never take mail, or moved to another row). The written addresses are unnested in the select
   * list of a subquery (a ProjectSet under the post's delivery rows, no join of its own), so that
   * the anti-join's inner side is one flat set. Parameters: list id, post id. Run under {@link
   * #NO_NESTED_LOOPS}.
   */
  public static final String INSERT_REMAINING_CANDIDATES =
      SetBasedQueries.INSERT_CANDIDATES
          + " and not exists (select 1 from (select x.post_id, unnest(x.emails) as email"
          + " from delivery x) w where w.post_id = p.id and w.email = m.email)";

  /**
   * For the resumed post's anti-join only: delivery rows are indexed by post alone and their
   * addresses are in arrays, so a nested loop reads every written recipient of the post once per
   * member. Planned that way (statistics from when the post had few rows), 50,000 members against
   * 32,000 written recipients ran for minutes, holding the post's expansion lock, and went on after
   * its instance was killed (a backend busy in a statement does not notice its client is gone), so
   * no restarted instance could resume the post. Without nested loops it is a hash (or merge)
   * anti-join: linear, and it spills to disk rather than degrade. The disabled loop left in the
   * plan (the post's one row joined to its members) puts the statement's estimated cost past {@code
   * jit_above_cost}, so a server with JIT compiled it for every large post (150-270 ms at 100,000
   * members on PostgreSQL 15): JIT is off for the statement too. Both undone by {@link
   * #NESTED_LOOPS} right after.
   */
  public static final String NO_NESTED_LOOPS =
      "set local enable_nestloop = off; set local jit = off";

  public static final String NESTED_LOOPS =
      "set local enable_nestloop to default; set local jit to default";
}
