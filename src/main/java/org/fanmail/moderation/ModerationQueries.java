package org.fanmail.moderation;

/**
 * The named SQL of moderation: paging a list's held posts and moving one held post to its verdict.
 * A verdict locks the row ({@code FOR UPDATE}) and checks its state in the same transaction, so two
 * moderators deciding at once cannot both win: the second one sees the first one's state.
 */
public final class ModerationQueries {
  private ModerationQueries() {}

  /** How many posts of a list wait for a moderator (parameter: list id). */
  public static final String HELD_COUNT =
      "select count(*) from post where list_id = ? and purpose = 'POST' and state = 'HELD'";

  /**
   * One page of a list's held posts, oldest first: moderators work a queue from its head. Served by
   * {@code post_held_ix} (partial on HELD). Parameters: list id, limit, offset.
   */
  public static final String HELD_PAGE =
      "select id, message_id, from_header, subject, received_at, rule_hits, reason, size"
          + " from post where list_id = ? and purpose = 'POST' and state = 'HELD'"
          + " order by id limit ? offset ?";

  /**
   * Locks one post for a verdict and reads what the verdict depends on: its list and its state.
   * Parameter: post id.
   */
  public static final String LOCK_POST =
      "select list_id, state, envelope_from, from_header, subject, message_id from post"
          + " where id = ? for update";

  /**
   * Records a verdict on a locked post. The {@code state = 'HELD'} guard repeats the check made
   * under the lock, so a statement run without the lock cannot overwrite a verdict. Parameters: new
   * state, reason (null keeps the stored one), post id.
   */
  public static final String SET_VERDICT =
      "update post set state = ?, reason = coalesce(?, reason), updated_at = now()"
          + " where id = ? and state = 'HELD'";

  /**
   * What the public moderation page shows of one post, with its list (parameter: post id). Posts of
   * other purposes are not moderated and are not found.
   */
  public static final String POST_SUMMARY =
      "select p.id, p.list_id, l.address, p.state, p.envelope_from, p.from_header, p.subject,"
          + " p.received_at, p.reason from post p join mailing_list l on l.id = p.list_id"
          + " where p.id = ? and p.purpose = 'POST'";

  /**
   * Claims the oldest held post whose moderators were not told yet, with what the notice says and
   * the client it came from (the notice's source for the hourly caps). Served by {@code
   * post_held_unnotified_ix}; SKIP LOCKED so a verdict in progress is not waited for.
   */
  public static final String CLAIM_UNNOTIFIED =
      "select p.id, p.list_id, l.address, l.name, l.local_part, l.domain, p.envelope_from,"
          + " p.from_header, p.subject, p.reason, p.rule_hits, p.received_at, p.size,"
          + " p.client_address"
          + " from post p join mailing_list l on l.id = p.list_id"
          + " where p.state = 'HELD' and p.notified_at is null and p.purpose = 'POST'"
          + " order by p.id limit 1 for update of p skip locked";

  /** {@link #CLAIM_UNNOTIFIED} for one post (the wake-up names it). */
  public static final String CLAIM_UNNOTIFIED_BY_ID =
      "select p.id, p.list_id, l.address, l.name, l.local_part, l.domain, p.envelope_from,"
          + " p.from_header, p.subject, p.reason, p.rule_hits, p.received_at, p.size,"
          + " p.client_address"
          + " from post p join mailing_list l on l.id = p.list_id"
          + " where p.id = ? and p.state = 'HELD' and p.notified_at is null and p.purpose = 'POST'"
          + " for update of p skip locked";

  /** Records that the moderators were told (in the transaction that queued the notice). */
  public static final String MARK_NOTIFIED =
      "update post set notified_at = now() where id = ? and notified_at is null";

  /**
   * Held posts older than the hold expiry (parameter 1, seconds) become DISCARDED with reason
   * "expired", at most N per statement (parameter 2); rows a moderator is deciding are skipped.
   */
  public static final String EXPIRE_HELD =
      "update post set state = 'DISCARDED', reason = 'expired', updated_at = now()"
          + " where id in (select id from post where state = 'HELD' and purpose = 'POST'"
          + " and received_at < now() - make_interval(secs => ?)"
          + " order by id limit ? for update skip locked)"
          + " returning id, list_address";
}
