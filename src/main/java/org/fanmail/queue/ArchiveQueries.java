package org.fanmail.queue;

/**
 * The named SQL of the archive: a list's posts paged newest first with search, the stored bytes of
 * one post read in bounded slices, and the keyset walk behind the mbox export. Read only.
 */
public final class ArchiveQueries {
  private ArchiveQueries() {}

  /**
   * The filter shared by count and page. Parameters: list id, state (null: any) twice, pattern
   * (null: no search; lower-cased, LIKE-escaped with {@code !}) three times. The casts give the
   * server a type for parameters that may be null.
   */
  private static final String FILTER =
      " from post where list_id = ? and purpose = 'POST'"
          + " and (cast(? as text) is null or state = cast(? as text))"
          + " and (cast(? as text) is null"
          + "   or lower(subject) like cast(? as text) escape '!'"
          + "   or lower(from_header) like cast(? as text) escape '!')";

  /** How many posts match (parameters: see {@link #FILTER}). */
  public static final String POSTS_COUNT = "select count(*)" + FILTER;

  /**
   * One page of matching posts, newest first; id breaks ties between posts of the same instant so
   * pages never overlap. Served by {@code post_list_received_ix}. Parameters: the filter's, then
   * limit, offset.
   */
  public static final String POSTS_PAGE =
      "select id, message_id, from_header, subject, received_at, state, size"
          + FILTER
          + " order by received_at desc, id desc limit ? offset ?";

  /**
   * A post's size and when its bytes were purged (null: kept), to answer 404 or 410 before a stream
   * starts (parameter: post id).
   */
  public static final String RAW_SIZE = "select size, raw_purged_at from post where id = ?";

  /**
   * A slice of a post's stored bytes: pgjdbc reads a bytea whole, so slices keep a large message
   * from ever sitting in memory at once. Parameters: post id, 1-based offset, length.
   */
  public static final String RAW_SLICE =
      "select substring(raw from ? for ?) from post where id = ?";

  /**
   * The next posts of a list's mbox export, oldest first by id after the last one written (keyset,
   * not offset: the walk costs the same at the end of a large archive as at its start). Only posts
   * that were accepted: ACCEPTED, DELIVERING, DONE, and messages imported into the archive
   * (ARCHIVED, always DONE), whose bytes are kept (a list whose archive is off loses them after the
   * retention). Parameters: list id, last id, limit.
   */
  public static final String MBOX_NEXT =
      "select id, envelope_from, received_at, size from post"
          + " where list_id = ? and purpose in ('POST', 'ARCHIVED') and id > ?"
          + " and state in ('ACCEPTED', 'DELIVERING', 'DONE') and raw_purged_at is null"
          + " order by id limit ?";
}
