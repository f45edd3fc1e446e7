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
   * One accepted post, locked for this transaction. SKIP LOCKED lets several instances (and the
   * wake-up racing the scan) expand different posts instead of queueing on one row lock. Posts
   * whose expansion failed lately (parameter: their ids) wait their turn.
   */
  public static final String CLAIM_ACCEPTED_POST =
      "select p.id, p.list_id, p.purpose from post p"
          + " where p.state = 'ACCEPTED' and p.purpose in ('POST', 'SYSTEM')"
          + " and not (p.id = any(?::bigint[]))"
          + " order by p.id limit 1 for update skip locked";

  /** The same claim restricted to one post (the wake-up knows which post it is about). */
  public static final String CLAIM_POST_BY_ID =
      "select p.id, p.list_id, p.purpose from post p"
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

  public static final String INSERT_CANDIDATES =
      "insert into fanout_candidate (member_id, email, domain)"
          + " select m.id, m.email, m.domain from post p join member m on m.list_id = ?"
          + " where p.id = ? and m.status = 'ACTIVE' and m.delivery_mode <> 'NOMAIL'"
          + "   and (m.receive_own_posts or m.email_key not in ("
          + "     lower(p.envelope_from),"
          + "     lower(coalesce(substring(p.from_header from '<([^<>]+)>'),"
          + "                    btrim(p.from_header), ''))))";

  /**
   * The candidates of a SYSTEM post: the addresses it names. They are not members; each gets a
   * negative stand-in id (its position) so the chunk table can key on it, and the recipient row
   * gets no member id. The domain is what follows the last {@code @}. Parameter: post id.
   */
  public static final String INSERT_SYSTEM_CANDIDATES =
      "insert into fanout_candidate (member_id, email, domain)"
          + " select -t.n, t.e, lower(substring(t.e from '@([^@]*)$'))"
          + " from post p, unnest(p.addressed_to) with ordinality as t(e, n) where p.id = ?";

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

  /** Member to (group, chunk): a temporary table the statements below join on. */
  public static final String CREATE_CHUNK_TABLE =
      "create temporary table if not exists fanout_recipient_chunk (member_id bigint not null,"
          + " group_key text not null, chunk integer not null) on commit delete rows";

  /**
   * Numbers the candidates of each group and cuts them into chunks of at most N (parameter 1).
   * Ordering by domain then email keeps one domain's recipients together inside a group. Candidates
   * of a domain that can never take mail (NXDOMAIN, null MX) get no chunk.
   */
  public static final String NUMBER_RECIPIENTS =
      "insert into fanout_recipient_chunk (member_id, group_key, chunk)"
          + " select r.member_id, d.group_key,"
          + " ((row_number() over (partition by d.group_key order by r.domain, r.email)) - 1) / ?"
          + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
          + " where d.outcome <> 'PERMANENT'";

  /** Chunk to pre-allocated delivery id, so recipients can point at it when they are written. */
  public static final String CREATE_DELIVERY_TABLE =
      "create temporary table if not exists fanout_delivery (group_key text not null, chunk integer not null,"
          + " delivery_id bigint not null, hosts text[] not null, temporary boolean not null,"
          + " reason text, primary key (group_key, chunk)) on commit delete rows";

  /**
   * Allocates one delivery id per chunk from the identity sequence. A group's candidate hosts are
   * those of its first domain: with group-by=host every domain of a group shares that first host.
   */
  public static final String ALLOCATE_DELIVERIES =
      "insert into fanout_delivery (group_key, chunk, delivery_id, hosts, temporary, reason)"
          + " select c.group_key, c.chunk, nextval(pg_get_serial_sequence('delivery', 'id')),"
          + " g.hosts, g.temporary, g.reason"
          + " from (select distinct group_key, chunk from fanout_recipient_chunk) c"
          + " join (select distinct on (group_key) group_key, hosts,"
          + " outcome = 'TEMPORARY' as temporary, reason"
          + " from fanout_domain where outcome <> 'PERMANENT' order by group_key, domain) g"
          + " on g.group_key = c.group_key";

  /**
   * One delivery row per chunk. A chunk whose domain could not be resolved for now (SERVFAIL,
   * timeout) waits for the first retry step (parameter 2, seconds) and is re-resolved then.
   */
  public static final String INSERT_DELIVERIES =
      "insert into delivery (id, post_id, destination, hosts, next_attempt_at, attempts,"
          + " last_reply) overriding system value"
          + " select f.delivery_id, ?, f.group_key, f.hosts,"
          + " case when f.temporary then now() + make_interval(secs => ?) else now() end,"
          + " case when f.temporary then 1 else 0 end, f.reason"
          + " from fanout_delivery f order by f.group_key, f.chunk";

  /**
   * Writes every recipient once, already pointing at its delivery row: PENDING, DEFERRED when its
   * domain could not be resolved for now, FAILED with the reason when it never can be. In delivery
   * order, so one transaction's recipients sit together on disk. Parameter: post id.
   */
  public static final String INSERT_RECIPIENTS =
      "insert into recipient (post_id, member_id, email, domain, delivery_id, state, last_reply)"
          + " select ?, case when r.member_id > 0 then r.member_id end, r.email, r.domain,"
          + " f.delivery_id,"
          + " case when d.outcome = 'PERMANENT' then 'FAILED'"
          + "   when f.temporary then 'DEFERRED' else 'PENDING' end,"
          + " case when d.outcome = 'PERMANENT' then d.reason"
          + "   when f.temporary then f.reason end"
          + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
          + " left join fanout_recipient_chunk c on c.member_id = r.member_id"
          + " left join fanout_delivery f on f.group_key = c.group_key and f.chunk = c.chunk"
          + " order by f.delivery_id nulls last, r.domain, r.email"
          + " on conflict on constraint recipient_post_email_uk do nothing";

  /** Memory for the expansion's sorts, for this transaction only (one expander per instance). */
  public static final String SORT_MEMORY = "set local work_mem = '64MB'";

  /** Expanded: DELIVERING when work was made, DONE at once when nothing is left to deliver. */
  public static final String FINISH_EXPANSION =
      "update post set state = case when exists (select 1 from delivery d where d.post_id = post.id)"
          + " then 'DELIVERING' else 'DONE' end,"
          + " expanded_at = now(), updated_at = now(),"
          + " done_at = case when exists (select 1 from delivery d where d.post_id = post.id)"
          + " then null else now() end"
          + " where id = ?";

  /** A post whose list is gone cannot be expanded: parked for a human, never dropped. */
  public static final String PARK_POST =
      "update post set state = 'PARKED', reason = ?, updated_at = now() where id = ?";
}
