package org.fanmail.queue;

/**
 * The named SQL of expansion (one accepted post into recipient and delivery rows). Every statement
 * runs inside the one transaction that claims the post, so a crash leaves either no recipient rows
 * or all of them together with the post in DELIVERING. Set-based throughout: no member list ever
 * passes through the heap, whatever the size of the list.
 */
public final class FanoutQueries {
  private FanoutQueries() {}

  /**
   * The DMARC mitigation of the claimed post's list, read with the claim: a list that mitigates
   * nothing (most lists) needs no look-up at all in the expansion.
   */
  private static final String DMARC_MODE =
      "(select l.dmarc_mitigation from mailing_list l where l.id = p.list_id)";

  /**
   * Up to N accepted posts (parameter 2), oldest first, locked for this transaction: one statement
   * for a batch (claiming one post at a time cost more than a millisecond a post). SKIP LOCKED lets
   * several instances (and the wake-up racing the scan) expand different posts instead of queueing
   * on one row lock. Posts whose expansion failed lately (parameter 1: their ids) wait their turn.
   */
  public static final String CLAIM_ACCEPTED_POSTS =
      "select p.id, p.list_id, p.purpose, "
          + DMARC_MODE
          + " from post p"
          + " where p.state = 'ACCEPTED' and p.purpose in ('POST', 'SYSTEM')"
          + " and not (p.id = any(?::bigint[]))"
          + " order by p.id limit ? for update skip locked";

  /** The same claim restricted to one post (the wake-up knows which post it is about). */
  public static final String CLAIM_POST_BY_ID =
      "select p.id, p.list_id, p.purpose, "
          + DMARC_MODE
          + " from post p"
          + " where p.id = ? and p.state = 'ACCEPTED' and p.purpose in ('POST', 'SYSTEM')"
          + " for update skip locked";

  /**
   * The expansion's working set: the list's deliverable members, copied once into a temporary table
   * (no WAL, no index) so that routing and numbering read it instead of writing each recipient
   * twice. A member who turned off receiveOwnPosts is left out of their own posts, recognised by
   * the envelope sender or the From address (the coalesce keeps a missing From from turning NOT IN
   * into NULL for everyone). Parameters: list id, post id.
   *
   * <p>The four temporary tables are created once per database session and emptied at every commit:
   * creating and dropping them for each post cost about a third of a small post's expansion in
   * catalog writes.
   */
  public static final String CREATE_CANDIDATE_TABLE =
      "create temporary table if not exists fanout_candidate (member_id bigint not null, email text not null,"
          + " domain text not null) on commit delete rows";

  private static final String CANDIDATES =
      " select m.id, m.email, m.domain from post p join member m on m.list_id = ?"
          + " where p.id = ? and m.status = 'ACTIVE' and m.delivery_mode <> 'NOMAIL'"
          + "   and (m.receive_own_posts or m.email_key not in ("
          + "     lower(p.envelope_from),"
          + "     lower(coalesce(substring(p.from_header from '<([^<>]+)>'),"
          + "                    btrim(p.from_header), ''))))";

  public static final String INSERT_CANDIDATES =
      "insert into fanout_candidate (member_id, email, domain)" + CANDIDATES;

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
      CANDIDATES
              .replace("select m.id,", "select p.id, m.id,")
              .replace("p.id = ?", "p.id = any(?::bigint[])")
              .substring(1)
          + " limit ?";

  /**
   * Writes the small posts of one batch, routed in memory, in one statement: their delivery rows
   * (ids drawn from the identity sequence first, so that recipients can point at them), their
   * recipient rows, and each post's move to DELIVERING, or DONE when it got no delivery row.
   * Delivery rows due now are written leased to parameter 2 for parameter 3 seconds when it is not
   * null (the scheduler of this instance reserved room for them: {@link DeliveryHandoff}), and
   * returned (id, post id, destination, hosts, attempts) in id order. Parameters: the number of
   * deliveries in all; the lease owner or null; the lease in seconds; the first retry step in
   * seconds (for a destination that could not be resolved for now); five parallel arrays of the
   * deliveries (post id, destination, hosts joined by spaces, temporary, reason); two parallel
   * arrays of the posts (id, number of deliveries); seven parallel arrays of the recipients (post
   * id, member id or 0, email, domain, 1-based index into the batch's deliveries or 0, state, last
   * reply).
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
   * The candidates of a SYSTEM post: the addresses it names, each once (a post's recipients are
   * distinct: nothing else keeps them so). They are not members; each gets a negative stand-in id
   * (its first position) so the chunk table can key on it, and the recipient row gets no member id.
   * The domain is what follows the last {@code @}. Parameter: post id.
   */
  public static final String INSERT_SYSTEM_CANDIDATES =
      "insert into fanout_candidate (member_id, email, domain)"
          + " select -min(t.n), t.e, lower(substring(t.e from '@([^@]*)$'))"
          + " from post p, unnest(p.addressed_to) with ordinality as t(e, n) where p.id = ?"
          + " group by t.e";

  /**
   * Empties the working tables between two posts of one batch (they hold one small post's rows
   * then; the commit empties them too).
   */
  public static final String CLEAR_WORKING_TABLES =
      "delete from fanout_candidate; delete from fanout_domain;"
          + " delete from fanout_recipient_chunk; delete from fanout_delivery";

  /** Streamed with a fetch size: a list may span a great many domains. */
  public static final String SELECT_DISTINCT_DOMAINS =
      "select distinct domain from fanout_candidate";

  /** One row per recipient domain: where it goes and under which group key. Emptied at commit. */
  public static final String CREATE_DOMAIN_TABLE =
      "create temporary table if not exists fanout_domain (domain text primary key, group_key text not null,"
          + " hosts text[] not null, outcome text not null, reason text) on commit delete rows";

  /** Filled in JDBC batches while the domains are resolved. */
  public static final String INSERT_DOMAIN =
      "insert into fanout_domain (domain, group_key, hosts, outcome, reason)"
          + " values (?, ?, ?, ?, ?)";

  /**
   * Recipient to (group, chunk), with what its recipient row needs: a temporary table the
   * statements below read. Emptied at commit.
   */
  public static final String CREATE_CHUNK_TABLE =
      "create temporary table if not exists fanout_recipient_chunk (member_id bigint not null,"
          + " email text not null, domain text not null, group_key text not null,"
          + " chunk integer not null) on commit delete rows";

  /** Chunk to pre-allocated delivery id, so recipients can point at it when they are written. */
  public static final String CREATE_DELIVERY_TABLE =
      "create temporary table if not exists fanout_delivery (group_key text not null, chunk integer not null,"
          + " delivery_id bigint not null, hosts text[] not null, temporary boolean not null,"
          + " reason text, primary key (group_key, chunk)) on commit delete rows";

  /**
   * The same two tables for a post written in slices (more than 10,000 recipients): their rows
   * outlive the commit of each slice, and are removed when the post is done with them.
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

  /**
   * Numbers the candidates of each group and cuts them into chunks of at most N (parameter 1).
   * Ordering by domain then email keeps one domain's recipients together inside a group; byte order
   * (collation "C"), as the in-memory routing of small posts orders them, and cheaper than the
   * database's locale. Candidates of a domain that can never take mail (NXDOMAIN, null MX) get no
   * chunk.
   */
  private static String numberRecipients(String chunk) {
    return "insert into "
        + chunk
        + " (member_id, email, domain, group_key, chunk)"
        + " select r.member_id, r.email, r.domain, d.group_key,"
        + " ((row_number() over (partition by d.group_key"
        + " order by r.domain collate \"C\", r.email collate \"C\")) - 1) / ?"
        + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
        + " where d.outcome <> 'PERMANENT'";
  }

  /**
   * Allocates one delivery id per chunk from the identity sequence. A group's candidate hosts are
   * those of its first domain: with group-by=host every domain of a group shares that first host.
   */
  private static String allocateDeliveries(String chunk, String delivery) {
    return "insert into "
        + delivery
        + " (group_key, chunk, delivery_id, hosts, temporary, reason)"
        + " select c.group_key, c.chunk, nextval(pg_get_serial_sequence('delivery', 'id')),"
        + " g.hosts, g.temporary, g.reason"
        + " from (select distinct group_key, chunk from "
        + chunk
        + ") c"
        + " join (select distinct on (group_key) group_key, hosts,"
        + " outcome = 'TEMPORARY' as temporary, reason"
        + " from fanout_domain where outcome <> 'PERMANENT'"
        + " order by group_key, domain collate \"C\") g"
        + " on g.group_key = c.group_key";
  }

  /**
   * The delivery rows of the chunks from parameter 3 to parameter 4 (a slice; a whole post is one
   * slice). A chunk whose domain could not be resolved for now (SERVFAIL, timeout) waits for the
   * first retry step (parameter 2, seconds) and is re-resolved then. Parameter 1: post id.
   */
  private static String insertDeliveries(String delivery) {
    return "insert into delivery (id, post_id, destination, hosts, next_attempt_at, attempts,"
        + " last_reply) overriding system value"
        + " select f.delivery_id, ?, f.group_key, f.hosts,"
        + " case when f.temporary then now() + make_interval(secs => ?) else now() end,"
        + " case when f.temporary then 1 else 0 end, f.reason"
        + " from "
        + delivery
        + " f where f.chunk between ? and ?"
        + " order by f.group_key, f.chunk";
  }

  /**
   * Writes each recipient of the chunks from parameter 2 to parameter 3 once, already pointing at
   * its delivery row: PENDING, or DEFERRED when its domain could not be resolved for now. In
   * delivery order, so one transaction's recipients sit together on disk. Parameter 1: post id.
   */
  private static String insertRoutedRecipients(String chunk, String delivery) {
    return "insert into recipient (post_id, member_id, email, domain, delivery_id, state,"
        + " last_reply)"
        + " select ?, case when c.member_id > 0 then c.member_id end, c.email, c.domain,"
        + " f.delivery_id, case when f.temporary then 'DEFERRED' else 'PENDING' end,"
        + " case when f.temporary then f.reason end"
        + " from "
        + chunk
        + " c join "
        + delivery
        + " f"
        + " on f.group_key = c.group_key and f.chunk = c.chunk"
        + " where c.chunk between ? and ?"
        + " order by f.delivery_id, c.domain collate \"C\", c.email collate \"C\"";
  }

  /**
   * Recipients whose domain can never take mail (NXDOMAIN, null MX): FAILED at once with the
   * reason, without a delivery row. Parameter: post id.
   */
  public static final String INSERT_FAILED_RECIPIENTS =
      "insert into recipient (post_id, member_id, email, domain, delivery_id, state, last_reply)"
          + " select ?, case when r.member_id > 0 then r.member_id end, r.email, r.domain, null,"
          + " 'FAILED', d.reason"
          + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
          + " where d.outcome = 'PERMANENT'";

  /** The highest chunk number of the post (-1 when nothing is routed). */
  private static String lastChunk(String delivery) {
    return "select coalesce(max(chunk), -1) from " + delivery;
  }

  /**
   * A post written in slices is DELIVERING from its first slice on, but not expanded (expanded_at
   * null) until its last: no delivery close makes it DONE before then ({@code
   * DeliveryQueries.FINISH_POST}), and if its expander dies the scan resumes it.
   */
  public static final String START_SLICES =
      "update post set state = 'DELIVERING', updated_at = now() where id = ?";

  /**
   * A post left half-written by an expander that died (expanded_at null while DELIVERING). Whoever
   * takes its advisory lock ({@link #TRY_LOCK_EXPANSION}) resumes it.
   */
  public static final String UNFINISHED_EXPANSIONS =
      "select id from post where state = 'DELIVERING' and expanded_at is null"
          + " and purpose = 'POST' order by id limit 20";

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
      INSERT_CANDIDATES
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

  /** Memory for the expansion's sorts, for this transaction only (one expander per instance). */
  public static final String SORT_MEMORY = "set local work_mem = '64MB'";

  /**
   * Expanded: DELIVERING while a delivery row of it is pending, DONE otherwise (nothing to deliver,
   * or a resumed post whose other rows are all closed).
   */
  public static final String FINISH_EXPANSION =
      "update post set state = case when exists (select 1 from delivery d"
          + " where d.post_id = post.id and d.state = 'PENDING') then 'DELIVERING' else 'DONE' end,"
          + " expanded_at = now(), updated_at = now(),"
          + " done_at = case when exists (select 1 from delivery d"
          + " where d.post_id = post.id and d.state = 'PENDING') then null else now() end"
          + " where id = ?";

  /** A post whose list is gone cannot be expanded: parked for a human, never dropped. */
  public static final String PARK_POST =
      "update post set state = 'PARKED', reason = ?, updated_at = now() where id = ?";

  /**
   * The statements that read or fill the chunk and delivery working tables, once for each pair of
   * tables: a post's slices are written by the same statements as a whole post.
   */
  public record WorkingTables(
      String numberRecipients,
      String allocateDeliveries,
      String insertDeliveries,
      String insertRecipients,
      String lastChunk) {}

  public static final String NUMBER_RECIPIENTS = numberRecipients("fanout_recipient_chunk");
  public static final String ALLOCATE_DELIVERIES =
      allocateDeliveries("fanout_recipient_chunk", "fanout_delivery");
  public static final String INSERT_DELIVERIES = insertDeliveries("fanout_delivery");
  public static final String INSERT_RECIPIENTS =
      insertRoutedRecipients("fanout_recipient_chunk", "fanout_delivery");
  public static final String LAST_CHUNK = lastChunk("fanout_delivery");

  public static final String NUMBER_SLICED_RECIPIENTS = numberRecipients("fanout_sliced_chunk");
  public static final String ALLOCATE_SLICED_DELIVERIES =
      allocateDeliveries("fanout_sliced_chunk", "fanout_sliced_delivery");
  public static final String INSERT_SLICED_DELIVERIES = insertDeliveries("fanout_sliced_delivery");
  public static final String INSERT_SLICED_RECIPIENTS =
      insertRoutedRecipients("fanout_sliced_chunk", "fanout_sliced_delivery");
  public static final String LAST_SLICED_CHUNK = lastChunk("fanout_sliced_delivery");

  /** A post written in one transaction: the tables emptied at commit. */
  public static final WorkingTables PER_COMMIT =
      new WorkingTables(
          NUMBER_RECIPIENTS, ALLOCATE_DELIVERIES, INSERT_DELIVERIES, INSERT_RECIPIENTS, LAST_CHUNK);

  /** A post written in slices: the tables that outlive each slice's commit. */
  public static final WorkingTables SLICED =
      new WorkingTables(
          NUMBER_SLICED_RECIPIENTS,
          ALLOCATE_SLICED_DELIVERIES,
          INSERT_SLICED_DELIVERIES,
          INSERT_SLICED_RECIPIENTS,
          LAST_SLICED_CHUNK);
}
