package org.fanmail.fanout;

/**
 * The named SQL of the set-based path ({@link SetBasedExpansion}, and {@link WorkingTables} which
 * the sliced path shares): the candidates copied into temporary tables, their domains resolved into
 * another, numbered into chunks with {@code row_number()}, one delivery row per chunk and the
 * recipients written pointing at theirs. No member list ever passes through the heap, whatever the
 * size of the list.
 */
final class SetBasedQueries {
  private SetBasedQueries() {}

  /**
   * The expansion's working set: the list's deliverable members, copied once into a temporary table
   * (no WAL, no index) so that routing and numbering read it instead of writing each recipient
   * twice.
   *
   * <p>The four temporary tables are created once per database session and emptied at every commit:
   * creating and dropping them for each post cost about a third of a small post's expansion in
   * catalog writes.
   */
  public static final String CREATE_CANDIDATE_TABLE =
      "create temporary table if not exists fanout_candidate (member_id bigint not null, email text not null,"
          + " domain text not null) on commit delete rows";

  /** The deliverable members of the post. Parameters: list id, post id. */
  public static final String INSERT_CANDIDATES =
      "insert into fanout_candidate (member_id, email, domain)" + FanoutQueries.DELIVERABLE_MEMBERS;

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
   * Recipients whose domain can never take mail (NXDOMAIN, null MX): FAILED at once with the
   * reason, without a delivery row. Parameter: post id.
   */
  public static final String INSERT_FAILED_RECIPIENTS =
      "insert into recipient (post_id, member_id, email, domain, delivery_id, state, last_reply)"
          + " select ?, case when r.member_id > 0 then r.member_id end, r.email, r.domain, null,"
          + " 'FAILED', d.reason"
          + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
          + " where d.outcome = 'PERMANENT'";

  /**
   * Numbers the candidates of each group and cuts them into chunks of at most N (parameter 1).
   * Ordering by domain then email keeps one domain's recipients together inside a group; byte order
   * (collation "C"), as the in-memory routing of small posts orders them, and cheaper than the
   * database's locale. Candidates of a domain that can never take mail (NXDOMAIN, null MX) get no
   * chunk.
   */
  static String numberRecipients(String chunk) {
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
  static String allocateDeliveries(String chunk, String delivery) {
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
  static String insertDeliveries(String delivery) {
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
  static String insertRoutedRecipients(String chunk, String delivery) {
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

  /** The highest chunk number of the post (-1 when nothing is routed). */
  static String lastChunk(String delivery) {
    return "select coalesce(max(chunk), -1) from " + delivery;
  }

  /**
   * The statements that read or fill one pair of chunk and delivery tables: a sliced post's slices
   * are written by the same statements as a whole post, on tables that outlive commits ({@link
   * SlicedQueries#SLICED}).
   */
  record ChunkTables(
      String numberRecipients,
      String allocateDeliveries,
      String insertDeliveries,
      String insertRecipients,
      String lastChunk) {

    static ChunkTables of(String chunk, String delivery) {
      return new ChunkTables(
          SetBasedQueries.numberRecipients(chunk),
          SetBasedQueries.allocateDeliveries(chunk, delivery),
          SetBasedQueries.insertDeliveries(delivery),
          SetBasedQueries.insertRoutedRecipients(chunk, delivery),
          SetBasedQueries.lastChunk(delivery));
    }
  }

  /** A post written in one transaction: the tables emptied at commit. */
  static final ChunkTables PER_COMMIT = ChunkTables.of("fanout_recipient_chunk", "fanout_delivery");

  public static final String NUMBER_RECIPIENTS = PER_COMMIT.numberRecipients();
  public static final String ALLOCATE_DELIVERIES = PER_COMMIT.allocateDeliveries();
  public static final String INSERT_DELIVERIES = PER_COMMIT.insertDeliveries();
  public static final String INSERT_RECIPIENTS = PER_COMMIT.insertRecipients();
  public static final String LAST_CHUNK = PER_COMMIT.lastChunk();
}
