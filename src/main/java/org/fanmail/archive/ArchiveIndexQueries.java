package org.fanmail.archive;

/**
 * The named SQL of the public archive: the thread index ({@code archive_entry}, {@code
 * archive_thread}, V40), the pages read from it, and the mbox import. {@code QueriesTest} prepares
 * every statement against the migrated schema.
 */
public final class ArchiveIndexQueries {
  private ArchiveIndexQueries() {}

  /** The states and purposes of a post the archive shows (accepted or imported). */
  private static final String ARCHIVED_POST =
      " p.purpose in ('POST', 'ARCHIVED') and p.state in ('ACCEPTED', 'DELIVERING', 'DONE')";

  /**
   * One indexer per list at a time (page views and imports alike): a transaction-scoped advisory
   * lock in the two-key space, so it never meets the single-key locks on post ids of the sliced
   * expansion. Parameter: list id (as int).
   */
  public static final String LOCK_LIST_INDEX = "select pg_advisory_xact_lock(40, ?)";

  /**
   * The list's archived posts not indexed yet, oldest first (a parent is usually indexed before its
   * replies), with the first octets of their bytes for the threading fields. An anti-join rather
   * than a watermark: a held post approved later has an old id. Parameters: header octets, list id,
   * limit.
   */
  public static final String UNINDEXED_POSTS =
      "select p.id, p.message_id, p.received_at, p.subject, substring(p.raw from 1 for ?)"
          + " from post p where p.list_id = ? and"
          + ARCHIVED_POST
          + " and not exists (select 1 from archive_entry e where e.post_id = p.id)"
          + " order by p.id limit ?";

  /**
   * The thread of the earliest indexed message among the given identifiers (text[]), if any: the
   * root-most parent decides. Parameters: list id, identifiers.
   */
  public static final String THREAD_OF_PARENTS =
      "select thread_id from archive_entry where list_id = ? and message_id = any(?)"
          + " order by received_at, post_id limit 1";

  /**
   * Indexes one post; no row when it was indexed already. Parameters: post, list, id, thread, at.
   */
  public static final String INSERT_ENTRY =
      "insert into archive_entry (post_id, list_id, message_id, thread_id, received_at)"
          + " values (?, ?, ?, ?, ?) on conflict do nothing returning post_id";

  /** A new thread. Parameters: thread id, list id, subject, last at. */
  public static final String INSERT_THREAD =
      "insert into archive_thread (thread_id, list_id, subject, posts, last_at)"
          + " values (?, ?, ?, 1, ?) on conflict do nothing";

  /** A thread grows by one post. Parameters: received at, thread id. */
  public static final String GROW_THREAD =
      "update archive_thread set posts = posts + 1, last_at = greatest(last_at, ?)"
          + " where thread_id = ?";

  /** How many threads the list's archive has. Parameter: list id. */
  public static final String THREAD_COUNT = "select count(*) from archive_thread where list_id = ?";

  /**
   * A page of threads, newest activity first (served by {@code archive_thread_list_last_ix}).
   * Parameters: list id, limit, offset.
   */
  public static final String THREAD_PAGE =
      "select thread_id, subject, posts, last_at from archive_thread where list_id = ?"
          + " order by last_at desc, thread_id desc limit ? offset ?";

  /**
   * The first posts of the given threads (bigint[]), oldest first within each, at most parameter 2
   * per thread. Parameters: thread ids, per-thread limit.
   */
  public static final String THREAD_POSTS =
      "select thread_id, post_id, from_header, subject, received_at from ("
          + " select e.thread_id, e.post_id, p.from_header, p.subject, e.received_at,"
          + " row_number() over (partition by e.thread_id order by e.received_at, e.post_id) n"
          + " from archive_entry e join post p on p.id = e.post_id"
          + " where e.thread_id = any(?)) t where n <= ? order by thread_id, n";

  /**
   * Search filter over the list's archived posts: subject or From contains the pattern
   * (lower-cased, LIKE-escaped with {@code !}). Parameters: list id, pattern twice.
   */
  private static final String SEARCH_FILTER =
      " from post p where p.list_id = ? and"
          + ARCHIVED_POST
          + " and (lower(p.subject) like ? escape '!' or lower(p.from_header) like ? escape '!')";

  /** How many posts match a search. Parameters: see {@link #SEARCH_FILTER}. */
  public static final String SEARCH_COUNT = "select count(*)" + SEARCH_FILTER;

  /**
   * A page of matching posts, newest first. Parameters: the filter's, then limit, offset. Served by
   * {@code post_list_received_ix}; the filter itself reads each post of the list once.
   */
  public static final String SEARCH_PAGE =
      "select p.id, p.from_header, p.subject, p.received_at"
          + SEARCH_FILTER
          + " order by p.received_at desc, p.id desc limit ? offset ?";

  /**
   * One archived post of the list: its time, whether its bytes were purged, and its first octets.
   * Parameters: octets, post id, list id.
   */
  public static final String ONE_POST =
      "select p.received_at, p.raw_purged_at, substring(p.raw from 1 for ?), p.size,"
          + " p.subject, p.from_header"
          + " from post p where p.id = ? and p.list_id = ? and"
          + ARCHIVED_POST;

  /**
   * Whether the list already has a post (live or imported) with this Message-ID (served by {@code
   * post_list_message_id_ix}). Parameters: list id, Message-ID as stored.
   */
  public static final String MESSAGE_ID_EXISTS =
      "select exists (select 1 from post where list_id = ? and message_id = ?"
          + " and purpose in ('POST', 'ARCHIVED'))";

  /**
   * An imported message: DONE at once with purpose ARCHIVED (never expanded, never digested).
   * Parameters: list id, list address, envelope from, message id, from, subject, raw, size,
   * received at.
   */
  public static final String INSERT_IMPORTED =
      "insert into post (list_id, list_address, purpose, state, envelope_from, message_id,"
          + " from_header, subject, raw, size, received_at, updated_at, done_at, expanded_at)"
          + " values (?, ?, 'ARCHIVED', 'DONE', ?, ?, ?, ?, ?, ?, ?, now(), now(), now())"
          + " returning id";
}
