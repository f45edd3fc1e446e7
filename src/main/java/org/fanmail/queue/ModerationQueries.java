package org.fanmail.queue;

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
  public static final String LOCK_POST = "select list_id, state from post where id = ? for update";

  /**
   * Records a verdict on a locked post. The {@code state = 'HELD'} guard repeats the check made
   * under the lock, so a statement run without the lock cannot overwrite a verdict. Parameters: new
   * state, reason (null keeps the stored one), post id.
   */
  public static final String SET_VERDICT =
      "update post set state = ?, reason = coalesce(?, reason), updated_at = now()"
          + " where id = ? and state = 'HELD'";
}
