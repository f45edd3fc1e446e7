package org.fanmail.fanout;

/**
 * The named SQL of the set-based path ({@link SetBasedExpansion}, and {@link WorkingTables} which
 * the sliced path shares): the candidates copied into temporary tables, their domains resolved into
 * another, numbered into chunks with {@code row_number()}, one delivery row per chunk carrying its
 * recipients as arrays in RCPT order. No member list ever passes through the heap, whatever the
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
   * (its first position) so the chunk table can key on it, and is written with member id 0 (none).
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
   * One row per (group, chunk): its recipients as they go into the delivery row (emails, member
   * ids), in RCPT order. A temporary table the statements below read. Emptied at commit.
   */
  public static final String CREATE_CHUNK_TABLE =
      "create temporary table if not exists fanout_recipient_chunk (group_key text not null,"
          + " chunk integer not null, emails text[] not null, members bigint[] not null)"
          + " on commit delete rows";

  /** Chunk to its delivery row's hosts and start (due now or waiting for a retry). */
  public static final String CREATE_DELIVERY_TABLE =
      "create temporary table if not exists fanout_delivery (group_key text not null, chunk integer not null,"
          + " hosts text[] not null, temporary boolean not null,"
          + " reason text, primary key (group_key, chunk)) on commit delete rows";

  /**
   * The recipients whose domain can never take mail (NXDOMAIN, null MX): one delivery row per such
   * domain, DONE from the start and never tried (destination: the domain, no hosts, no lease,
   * attempts 0), carrying them in address order (byte order), each FAILED with the domain's reason,
   * which is the row's last reply too. Returns how many recipients they are. Parameter: post id.
   */
  public static final String INSERT_FAILED_DELIVERIES =
      "with w as (insert into delivery (post_id, destination, hosts, state, next_attempt_at,"
          + " attempts, last_reply, emails, members, outcomes, replies)"
          + " select ?, r.domain, '{}', 'DONE', now(), 0, d.reason,"
          + " array_agg(r.email order by r.email collate \"C\", r.member_id),"
          + " array_agg(greatest(r.member_id, 0) order by r.email collate \"C\", r.member_id),"
          + " array_fill('FAILED'::text, array[count(*)::integer]),"
          + " array_fill(d.reason, array[count(*)::integer])"
          + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
          + " where d.outcome = 'PERMANENT'"
          + " group by r.domain, d.reason order by r.domain collate \"C\""
          + " returning cardinality(members) as recipients)"
          + " select coalesce(sum(recipients), 0) from w";

  /**
   * Numbers the candidates of each group and cuts them into chunks of at most N (parameter 1), one
   * row per chunk with its recipients aggregated in RCPT order: emails and member ids (0 for none:
   * a system post's stand-in ids are negative). Ordering by domain then email keeps one domain's
   * recipients together inside a group; byte order (collation "C"), as the in-memory routing of
   * small posts orders them, and cheaper than the database's locale. Candidates of a domain that
   * can never take mail (NXDOMAIN, null MX) get no chunk. Aggregated here, once, rather than per
   * slice: a chunk table of one row per recipient cost 100,000 rows and index entries for a
   * 100,000-recipient post before its first slice.
   */
  static String numberRecipients(String chunk) {
    return "insert into "
        + chunk
        + " (group_key, chunk, emails, members)"
        + " select n.group_key, n.chunk, array_agg(n.email order by n.rn),"
        + " array_agg(greatest(n.member_id, 0) order by n.rn)"
        + " from (select r.member_id, r.email, r.group_key, r.rn, (r.rn - 1) / ? as chunk"
        + " from (select r.member_id, r.email, d.group_key,"
        + " row_number() over (partition by d.group_key"
        + " order by r.domain collate \"C\", r.email collate \"C\", r.member_id) as rn"
        + " from fanout_candidate r join fanout_domain d on d.domain = r.domain"
        + " where d.outcome <> 'PERMANENT') r) n"
        + " group by n.group_key, n.chunk";
  }

  /**
   * One row per chunk: the hosts and start of its delivery row. A group's candidate hosts are those
   * of its first domain: with group-by=host every domain of a group shares that first host.
   */
  static String planDeliveries(String chunk, String delivery) {
    return "insert into "
        + delivery
        + " (group_key, chunk, hosts, temporary, reason)"
        + " select c.group_key, c.chunk, g.hosts, g.temporary, g.reason"
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
   * slice), in (group, chunk) order, each carrying its chunk's recipients as {@link
   * #numberRecipients} aggregated them. A chunk due now has no outcomes nor replies (every
   * recipient PENDING). A chunk whose domain could not be resolved for now (SERVFAIL, timeout)
   * waits for the first retry step (parameter 2, seconds) and is re-resolved then; its recipients
   * are DEFERRED with the reason. Parameter 1: post id. Returns how many delivery rows and how many
   * recipients were written.
   */
  static String insertDeliveries(String chunk, String delivery) {
    return "with w as (insert into delivery (post_id, destination, hosts, next_attempt_at,"
        + " attempts, last_reply, emails, members, outcomes, replies)"
        + " select ?, f.group_key, f.hosts,"
        + " case when f.temporary then now() + make_interval(secs => ?) else now() end,"
        + " case when f.temporary then 1 else 0 end, f.reason, c.emails, c.members,"
        + " case when f.temporary"
        + " then array_fill('DEFERRED'::text, array[cardinality(c.members)]) end,"
        + " case when f.temporary then array_fill(f.reason, array[cardinality(c.members)]) end"
        + " from "
        + delivery
        + " f join "
        + chunk
        + " c on c.group_key = f.group_key and c.chunk = f.chunk"
        + " where c.chunk between ? and ?"
        + " order by f.group_key, f.chunk"
        + " returning cardinality(members) as recipients)"
        + " select count(*), coalesce(sum(recipients), 0) from w";
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
      String numberRecipients, String planDeliveries, String insertDeliveries, String lastChunk) {

    static ChunkTables of(String chunk, String delivery) {
      return new ChunkTables(
          SetBasedQueries.numberRecipients(chunk),
          SetBasedQueries.planDeliveries(chunk, delivery),
          SetBasedQueries.insertDeliveries(chunk, delivery),
          SetBasedQueries.lastChunk(delivery));
    }
  }

  /** A post written in one transaction: the tables emptied at commit. */
  static final ChunkTables PER_COMMIT = ChunkTables.of("fanout_recipient_chunk", "fanout_delivery");

  public static final String NUMBER_RECIPIENTS = PER_COMMIT.numberRecipients();
  public static final String PLAN_DELIVERIES = PER_COMMIT.planDeliveries();
  public static final String INSERT_DELIVERIES = PER_COMMIT.insertDeliveries();
  public static final String LAST_CHUNK = PER_COMMIT.lastChunk();
}
