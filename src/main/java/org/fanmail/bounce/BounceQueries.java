package org.fanmail.bounce;

/**
 * The named SQL of bounce processing: claiming received bounces, matching their recipients to
 * members, scoring, disabling under the burst guard, and the event log the REST API reads.
 */
public final class BounceQueries {
  private BounceQueries() {}

  /**
   * Claims the oldest received bounce (or, with the id variant, one given bounce) that no other
   * transaction holds. Served by {@code post_state_ix} (partial on RECEIVED).
   */
  public static final String CLAIM_NEXT =
      "select id, list_id, purpose_arg, raw from post"
          + " where state = 'RECEIVED' and purpose = 'BOUNCES'"
          + " order by id limit 1 for update skip locked";

  /** {@link #CLAIM_NEXT} for one post id (the wake-up names it). */
  public static final String CLAIM_BY_ID =
      "select id, list_id, purpose_arg, raw from post"
          + " where id = ? and state = 'RECEIVED' and purpose = 'BOUNCES'"
          + " for update skip locked";

  /**
   * Closes a processed bounce: DONE or DISCARDED with what was done. Parameters: state, reason, id.
   */
  public static final String FINISH =
      "update post set state = ?, reason = ?, done_at = now(), updated_at = now()"
          + " where id = ? and state = 'RECEIVED'";

  /** Parks a bounce the parser could not take (never dropped; visible over REST). */
  public static final String PARK =
      "update post set state = 'PARKED', reason = ?, updated_at = now()"
          + " where id = ? and state = 'RECEIVED' and purpose = 'BOUNCES'";

  /** A member of a list by address, case-insensitively (the unique key). */
  public static final String MEMBER_BY_EMAIL =
      "select id from member where list_id = ? and email_key = lower(?)";

  /**
   * The members behind failed recipients of a delivery (synchronous 5xx): position and member id of
   * each given position (parameter 2) that has a member. Parameter 1: the delivery id.
   */
  public static final String MEMBERS_OF_RECIPIENTS =
      "select u.position, d.members[u.position] from delivery d"
          + " cross join unnest(?::integer[]) as u(position)"
          + " where d.id = ? and d.members[u.position] > 0";

  /**
   * Locks a member for scoring and reads what the decision needs. Scoring always locks members in
   * id order, so two transactions scoring the same members cannot deadlock.
   */
  public static final String LOCK_MEMBER =
      "select m.list_id, m.email, m.domain, m.status, m.bounce_score, l.address, l.name,"
          + " l.local_part, l.domain from member m join mailing_list l on l.id = m.list_id"
          + " where m.id = ? for update of m";

  /**
   * A permanent failure: +1 at most once a day; a score whose last bounce is older than the stale
   * age (parameter 1, seconds) starts again at 1. No row when the score already rose within a day.
   */
  public static final String SCORE =
      "update member set"
          + " bounce_score = case when last_bounce_at is null"
          + "   or last_bounce_at < now() - make_interval(secs => ?) then 1"
          + "   else bounce_score + 1 end,"
          + " last_bounce_at = now(), updated_at = now()"
          + " where id = ?"
          + "   and (last_bounce_at is null or last_bounce_at < now() - interval '1 day')"
          + " returning bounce_score";

  /**
   * Serializes the burst guard's count-then-disable per list and domain (parameter: a text key), so
   * that concurrent transactions cannot both see room for one more disable.
   */
  public static final String LOCK_DESTINATION =
      "select pg_advisory_xact_lock(hashtext('fanmail.bounce.burst'), hashtext(?))";

  /** Disables of a list's members at one domain within the last day (parameters: list, domain). */
  public static final String DISABLES_TODAY =
      "select count(*) from bounce_event where list_id = ? and domain = ? and outcome = 'DISABLED'"
          + " and created_at > now() - interval '1 day'";

  /** ACTIVE → DISABLED_BY_BOUNCE; other states are the owner's or the member's choice. */
  public static final String DISABLE =
      "update member set status = 'DISABLED_BY_BOUNCE', updated_at = now()"
          + " where id = ? and status = 'ACTIVE'";

  /**
   * The burst guard's notice is sent once per list, domain and day: the insert that wins says so.
   */
  public static final String NOTE_BURST =
      "insert into bounce_burst (list_id, domain, day) values (?, ?, current_date)"
          + " on conflict do nothing";

  /** One bounce event. */
  public static final String INSERT_EVENT =
      "insert into bounce_event (list_id, member_id, email, domain, source, post_id, action,"
          + " status, diagnostic, outcome, score_after) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** A member's bounce state (parameters: list id, email). */
  public static final String MEMBER_STATE =
      "select id, email, status, bounce_score, last_bounce_at from member"
          + " where list_id = ? and email_key = lower(?)";

  /** A member's most recent events, newest first (parameters: member id, limit). */
  public static final String RECENT_EVENTS =
      "select created_at, source, post_id, action, status, diagnostic, outcome, score_after"
          + " from bounce_event where member_id = ? order by created_at desc, id desc limit ?";

  /**
   * Re-enables a member: ACTIVE, score 0, no last bounce (a fresh start). A PENDING member is left
   * alone (confirmation is the member's step, not the owner's). Returns the new state.
   */
  public static final String ENABLE =
      "update member set status = 'ACTIVE', bounce_score = 0, last_bounce_at = null,"
          + " updated_at = now() where id = ? and status <> 'PENDING' returning status";

  /** Deletes up to N events older than the retention (parameters: seconds, limit). */
  public static final String PURGE_EVENTS =
      "delete from bounce_event where id in (select id from bounce_event"
          + " where created_at < now() - make_interval(secs => ?) order by created_at limit ?)";
}
