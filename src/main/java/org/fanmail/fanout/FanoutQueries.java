package org.fanmail.fanout;

/**
 * The named SQL every expansion path shares: the claim of ACCEPTED posts, the deliverable members
 * of a post, the session settings of the expansion and the post's last move. The statements of each
 * path sit beside it: {@link InMemoryQueries}, {@link SetBasedQueries}, {@link SlicedQueries}.
 * Every statement runs in the transaction of the batch that claimed the post (a sliced post's in
 * the transaction of its slice), so a failure rolls back to a post still ACCEPTED.
 */
final class FanoutQueries {
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
          + " where p.state = 'ACCEPTED' and p.purpose in ('POST', 'SYSTEM', 'DIGEST')"
          + " and not (p.id = any(?::bigint[]))"
          + " order by p.id limit ? for update skip locked";

  /** The same claim restricted to one post (the caller knows which post it is about). */
  public static final String CLAIM_POST_BY_ID =
      "select p.id, p.list_id, p.purpose, "
          + DMARC_MODE
          + " from post p"
          + " where p.id = ? and p.state = 'ACCEPTED' and p.purpose in ('POST', 'SYSTEM', 'DIGEST')"
          + " for update skip locked";

  /**
   * The deliverable members of a post (a fragment: member id, email, domain), read by the in-memory
   * path and copied by the set-based and sliced ones. Only members whose mode in effect for the
   * digest period is REGULAR get posts one by one (NOMAIL members get nothing, digest members get
   * the post in their digest); a DIGEST post goes to the members fixed for it when it was
   * assembled, still ACTIVE: one primary-key probe of {@code digest_member} per member (an {@code
   * IN} here is correlated with {@code p}, so it cannot be hashed, and re-read the post's whole
   * member set for every member: 100,000 digest members took over a minute and hit the socket
   * timeout, so such a digest was never delivered). A member who turned off receiveOwnPosts is left
   * out of their own posts, recognised by the envelope sender or the From address (the coalesce
   * keeps a missing From from turning NOT IN into NULL for everyone). Parameters: list id, post id.
   */
  static final String DELIVERABLE_MEMBERS =
      " select m.id, m.email, m.domain from post p join member m on m.list_id = ?"
          + " where p.id = ? and m.status = 'ACTIVE'"
          + " and case when p.purpose = 'DIGEST' then exists (select 1 from digest_member d"
          + "   where d.post_id = p.id and d.member_id = m.id)"
          + " else coalesce(m.period_mode, m.delivery_mode) = 'REGULAR'"
          + "   and (m.receive_own_posts or m.email_key not in ("
          + "     lower(p.envelope_from),"
          + "     lower(coalesce(substring(p.from_header from '<([^<>]+)>'),"
          + "                    btrim(p.from_header), '')))) end";

  /**
   * The digest periods of the lists of a batch's posts (parameter: list ids), held FOR SHARE until
   * the batch commits: the digest assembler holds a list's row FOR UPDATE while it ends a period
   * and changes the modes in effect, so a post is expanded with the modes of one period and is read
   * by the assembler either before its expansion (not pending yet) or after its commit.
   */
  public static final String LOCK_DIGEST_PERIODS =
      "select list_id from list_digest where list_id = any(?::bigint[]) order by list_id for share";

  /**
   * Memory for the expansion's sorts, for this transaction only (one expander per instance): the
   * numbering and the recipient insert sort the whole post, in memory up to about 500,000
   * recipients instead of on disk past 40,000 (the default of 4 MB).
   */
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
}
