package org.fanmail.digest;

/**
 * The named SQL of digests: the period lock, the pending posts, the issue and its posts and members
 * written in the assembler's one transaction, the scan's look at every list, and the archive's
 * reads. A post is pending when it is a POST of the list that expansion has finished reading
 * members for (DELIVERING or DONE), newer than the list's history floor, and in no digest yet: it
 * then has a {@code digest_pending} row (V32's trigger writes it, the assembly deletes it), so
 * these reads cost the pending posts, not the list's history.
 */
final class DigestQueries {
  private DigestQueries() {}

  /**
   * The list's digest period, locked for the assembly: two assemblers of one list (two instances,
   * or the schedule racing a REST request) queue here, and the second sees the first's issue. The
   * expansion holds the same row FOR SHARE (fanout's LOCK_DIGEST_PERIODS). Also the list's
   * settings, and the current UTC year. Parameter: list id.
   */
  public static final String LOCK_PERIOD =
      "select ld.volume, ld.next_issue, ld.volume_year, ld.period_started, l.address, l.local_part,"
          + " l.domain, l.name, l.subject_prefix, l.reply_to, l.personalize, l.digest_schedule,"
          + " l.digest_size_threshold_kb, l.digest_max_posts,"
          + " extract(year from now() at time zone 'UTC')::int, l.archive_access"
          + " from list_digest ld join mailing_list l on l.id = ld.list_id"
          + " where ld.list_id = ? for update of ld";

  /**
   * Whether a post of the list is half-way through a sliced expansion: its later slices read the
   * members without the period lock, so the period must not end under them. Parameter: list id.
   */
  public static final String EXPANSION_IN_FLIGHT =
      "select exists (select 1 from post where list_id = ? and purpose = 'POST'"
          + " and state = 'DELIVERING' and expanded_at is null)";

  /**
   * The pending posts of the list, oldest first: id and size, at most parameter 2 rows (one more
   * than an issue may hold, to know whether posts are left for the next). Parameters: list id,
   * limit.
   */
  public static final String PENDING_POSTS =
      "select p.id, p.size from digest_pending d join post p on p.id = d.post_id"
          + " where d.list_id = ? order by d.post_id limit ?";

  /**
   * The posts just written into the issue (or recorded as in none) leave the pending digest, in the
   * assembly's transaction. Parameters: list id, post ids.
   */
  public static final String DELETE_PENDING =
      "delete from digest_pending where list_id = ? and post_id = any(?::bigint[])";

  /** The chosen posts' bytes and DMARC action, in id order. Parameter: post ids. */
  public static final String POST_BYTES =
      "select id, raw, dmarc_action from post where id = any(?::bigint[]) order by id";

  /**
   * How many ACTIVE members get each digest form in the period that ends (their mode in effect).
   * Parameter: list id.
   */
  public static final String FORM_MEMBERS =
      "select coalesce(period_mode, delivery_mode), count(*) from member"
          + " where list_id = ? and status = 'ACTIVE'"
          + " and coalesce(period_mode, delivery_mode) in ('DIGEST_MIME', 'DIGEST_PLAIN')"
          + " group by 1";

  /** The issue row. Parameters: list id, volume, issue, posts, size. */
  public static final String INSERT_DIGEST =
      "insert into digest (list_id, volume, issue, posts, size) values (?, ?, ?, ?, ?) returning id";

  /**
   * One form of the issue as a post of its own, ACCEPTED for the fan-out like any post. Parameters:
   * list id, list address, envelope sender, message id, From, subject, raw, size.
   */
  public static final String INSERT_DIGEST_POST =
      "insert into post (list_id, list_address, purpose, state, envelope_from, message_id,"
          + " from_header, subject, raw, size) values (?, ?, 'DIGEST', 'ACCEPTED', ?, ?, ?, ?, ?, ?)"
          + " returning id";

  /** Parameters: MIME post id, plain post id (either null), digest id. */
  public static final String SET_DIGEST_POSTS =
      "update digest set mime_post_id = ?, plain_post_id = ? where id = ?";

  /**
   * The members of one form, fixed now: ACTIVE members whose mode in effect is that form.
   * Parameters: digest post id, list id, form (delivery mode name).
   */
  public static final String INSERT_DIGEST_MEMBERS =
      "insert into digest_member (post_id, member_id) select ?, m.id from member m"
          + " where m.list_id = ? and m.status = 'ACTIVE'"
          + " and coalesce(m.period_mode, m.delivery_mode) = ?";

  /**
   * The posts of the issue, in order (the primary key keeps each post in one digest). A null digest
   * id records posts of a period that ended without digest members. Parameters: digest id, post
   * ids.
   */
  public static final String INSERT_DIGEST_POSTS =
      "insert into digest_post (post_id, digest_id, position)"
          + " select u.id, ?, u.n from unnest(?::bigint[]) with ordinality as u(id, n)";

  /**
   * Every pending post of the list, for a period that ended without digest members: recorded as in
   * no digest and taken out of the pending digest in one statement. Parameter: list id.
   */
  public static final String SKIP_PENDING_POSTS =
      "with gone as (delete from digest_pending where list_id = ? returning post_id)"
          + " insert into digest_post (post_id, digest_id, position) select post_id, null, 0 from gone";

  /**
   * The period ends: changes of mode made during it take effect (see V21). Only when the issue took
   * every pending post; else the next issue still belongs to this period. Parameter: list id.
   */
  public static final String END_PERIOD =
      "update member set period_mode = null where list_id = ? and period_mode is not null";

  /**
   * The next issue number (and volume); {@code period_started} is the base of the schedule.
   * Parameters: volume, next issue, volume year, list id.
   */
  public static final String ADVANCE =
      "update list_digest set volume = ?, next_issue = ?, volume_year = ?, period_started = now()"
          + " where list_id = ?";

  /** The schedule's base moves on when a period ends with nothing pending. Parameter: list id. */
  public static final String RESTART_PERIOD =
      "update list_digest set period_started = now() where list_id = ?";

  /**
   * Every list whose digests run on their own, with what the scan needs to decide: id, schedule,
   * period start, threshold, max posts, and the pending posts' count and bytes.
   */
  public static final String SCAN_LISTS =
      "select l.id, l.digest_schedule, ld.period_started, l.digest_size_threshold_kb,"
          + " l.digest_max_posts, pend.n, pend.bytes"
          + " from mailing_list l join list_digest ld on ld.list_id = l.id"
          + " cross join lateral (select count(*) as n, coalesce(sum(p.size), 0) as bytes"
          + " from digest_pending d join post p on p.id = d.post_id where d.list_id = l.id) pend"
          + " where l.digest_enabled";

  /** The number of issues of a list. Parameter: list id. */
  public static final String COUNT_ISSUES = "select count(*) from digest where list_id = ?";

  /**
   * A page of a list's issues, newest first: volume, issue, posts, created, post ids in order.
   * Parameters: list id, limit, offset.
   */
  public static final String PAGE_ISSUES =
      "select d.volume, d.issue, d.posts, d.created_at, array(select x.post_id from digest_post x"
          + " where x.digest_id = d.id order by x.position) from digest d where d.list_id = ?"
          + " order by d.volume desc, d.issue desc limit ? offset ?";

  /**
   * The stored bytes of one form of an issue (null when that form had no members), and when they
   * were purged (retention). Parameters: plain (boolean), list id, volume, issue.
   */
  public static final String ISSUE_RAW =
      "select p.raw, p.raw_purged_at, p.id, d.id from digest d left join post p on p.id ="
          + " case when ? then d.plain_post_id else d.mime_post_id end"
          + " where d.list_id = ? and d.volume = ? and d.issue = ?";

  /**
   * Starts the next volume at issue 1 (REST); the row lock queues it behind an assembly. Parameter:
   * list id.
   */
  public static final String NEXT_VOLUME =
      "update list_digest set volume = volume + 1, next_issue = 1,"
          + " volume_year = extract(year from now() at time zone 'UTC')::int"
          + " where list_id = ? returning volume, next_issue";
}
