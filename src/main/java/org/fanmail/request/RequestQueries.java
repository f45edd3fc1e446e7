package org.fanmail.request;

/**
 * The named SQL of the request stage: claiming messages to the list's command addresses,
 * subscription requests and their tokens, members joining and leaving, templates, and the daily
 * reply count. {@code QueriesTest} prepares every public statement against the migrated schema.
 */
public final class RequestQueries {
  private RequestQueries() {}

  private static final String PURPOSES = "('REQUEST', 'JOIN', 'LEAVE', 'CONFIRM', 'OWNER')";

  /**
   * Which of the just-committed posts (parameter: bigint[] ids) are ours to process. One look-up
   * per batch of wake-up hints, on the primary key, so posts to the list itself cost nothing more.
   */
  public static final String SELECT_OURS_AMONG =
      "select id from post where id = any(?) and state = 'RECEIVED' and purpose in " + PURPOSES;

  /**
   * One received command message, locked for this transaction; SKIP LOCKED lets instances (and the
   * wake-up racing the scan) take different messages. Parameter: post id.
   */
  public static final String CLAIM_BY_ID =
      "select id, list_id, purpose, purpose_arg, envelope_from, raw from post"
          + " where id = ? and state = 'RECEIVED' and purpose in "
          + PURPOSES
          + " for update skip locked";

  /** The oldest unprocessed command message, for the periodic scan (partial index on state). */
  public static final String CLAIM_NEXT =
      "select id, list_id, purpose, purpose_arg, envelope_from, raw from post"
          + " where state = 'RECEIVED' and purpose in "
          + PURPOSES
          + " order by id limit 1 for update skip locked";

  /**
   * The message's outcome: DONE, DISCARDED or PARKED with a reason. A reply to {@code
   * list-confirm+TOKEN} forgets what it kept of its token (a reference, never the token itself, see
   * {@code queue.ConfirmReference}; a row stored before references held the token), once it is
   * processed. Parameters: state, reason, id.
   */
  public static final String FINISH_POST =
      "update post set state = ?, reason = ?, updated_at = now(), done_at = now(),"
          + " purpose_arg = case when purpose = 'CONFIRM' then null else purpose_arg end"
          + " where id = ?";

  /** What processing needs to know about the list. Parameter: list id. */
  public static final String LIST_BY_ID =
      "select id, address, local_part, domain, name, subscription_policy, unsubscription_policy,"
          + " owners from mailing_list where id = ?";

  /**
   * Where mail for the owners goes: the {@code owners} setting and the active members with role
   * OWNER. Parameter: list id (twice).
   */
  public static final String OWNER_ADDRESSES =
      "select unnest(owners) from mailing_list where id = ?"
          + " union select email from member where list_id = ? and role = 'OWNER'"
          + " and status = 'ACTIVE'";

  /** Whether any of the given addresses (text[], lowercased) is a list address. */
  public static final String ANY_LIST_ADDRESS =
      "select exists (select 1 from mailing_list where address = any(?))";

  /** A member's status, or no row. Parameters: list id, address. */
  public static final String MEMBER_STATUS =
      "select status from member where list_id = ? and email_key = lower(?)";

  /**
   * Adds the member as ACTIVE, or turns a PENDING or bounce-disabled row active again (a member an
   * owner disabled stays disabled). Returns a row only when something changed. Parameters: list id,
   * email, domain.
   */
  public static final String JOIN_MEMBER =
      "insert into member (list_id, email, domain) values (?, ?, ?)"
          + " on conflict on constraint member_list_email_uk do update"
          + " set status = 'ACTIVE', bounce_score = 0, last_bounce_at = null, updated_at = now()"
          + " where member.status in ('PENDING', 'DISABLED_BY_BOUNCE') returning id";

  /** Removes the member; the count says whether there was one. Parameters: list id, email. */
  public static final String LEAVE_MEMBER =
      "delete from member where list_id = ? and email_key = lower(?)";

  /**
   * An open request for the same address and action gives way to the new one (the partial unique
   * index allows one). Parameters: list id, email, action.
   */
  public static final String SUPERSEDE_OPEN =
      "update subscription_request set state = 'SUPERSEDED', updated_at = now()"
          + " where list_id = ? and email_key = lower(?) and action = ?"
          + " and state in ('CONFIRMING', 'MODERATING')";

  /**
   * A new request. Parameters: list id, email, action, state, token hash (or null), expires at (or
   * null), needs approval, source, post id (or null).
   */
  public static final String INSERT_REQUEST =
      "insert into subscription_request (list_id, email, action, state, token_hash, expires_at,"
          + " needs_approval, source, post_id, decided_at)"
          + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, case when ? then now() end) returning id";

  private static final String REQUEST_COLUMNS =
      "r.id, r.list_id, r.email, r.action, r.state, r.expires_at, r.needs_approval, r.source,"
          + " r.reason, r.created_at, r.decided_at, (r.expires_at < now()) as expired";

  /**
   * The request a legacy token (random, only its hash stored) belongs to, locked. Parameter: token
   * hash.
   */
  public static final String LOCK_BY_TOKEN =
      "select "
          + REQUEST_COLUMNS
          + " from subscription_request r where r.token_hash = ? for update";

  /** The same without a lock, for the confirmation page. Parameter: token hash. */
  public static final String FIND_BY_TOKEN =
      "select " + REQUEST_COLUMNS + " from subscription_request r where r.token_hash = ?";

  /** The request a signed confirmation token names, locked. Parameter: request id. */
  public static final String LOCK_BY_REQUEST_ID =
      "select " + REQUEST_COLUMNS + " from subscription_request r where r.id = ? for update";

  /** The same without a lock, for the confirmation page. Parameter: request id. */
  public static final String FIND_BY_REQUEST_ID =
      "select " + REQUEST_COLUMNS + " from subscription_request r where r.id = ?";

  /** A request of a list, locked for a decision. Parameters: id, list id. */
  public static final String LOCK_BY_ID =
      "select "
          + REQUEST_COLUMNS
          + " from subscription_request r where r.id = ? and r.list_id = ? for update";

  /** A request moves on. Parameters: state, reason, whether decided now, id. */
  public static final String SET_REQUEST_STATE =
      "update subscription_request set state = ?, reason = coalesce(?, reason),"
          + " decided_at = case when ? then now() else decided_at end, updated_at = now()"
          + " where id = ?";

  /** Confirmations not given in time expire (the periodic scan). */
  public static final String EXPIRE_REQUESTS =
      "update subscription_request set state = 'EXPIRED', updated_at = now()"
          + " where state = 'CONFIRMING' and expires_at < now()";

  /**
   * A page of a list's requests, newest first: the open ones (filter null), all ({@code ALL}) or
   * one state. Parameters: list id, filter three times, limit, offset.
   */
  public static final String REQUEST_PAGE =
      "select "
          + REQUEST_COLUMNS
          + " from subscription_request r where r.list_id = ?"
          + " and (case when ?::text is null then r.state in ('CONFIRMING', 'MODERATING')"
          + " when ?::text = 'ALL' then true else r.state = ?::text end) order by r.id desc limit ? offset ?";

  /** The count for that page. Parameters: list id, filter three times. */
  public static final String REQUEST_COUNT =
      "select count(*) from subscription_request r where r.list_id = ?"
          + " and (case when ?::text is null then r.state in ('CONFIRMING', 'MODERATING')"
          + " when ?::text = 'ALL' then true else r.state = ?::text end)";

  /** A list's own text of a template. Parameters: list id, name. */
  public static final String TEMPLATE_BODY =
      "select body from list_template where list_id = ? and name = ?";

  /** Sets a list's text of a template. Parameters: list id, name, body. */
  public static final String UPSERT_TEMPLATE =
      "insert into list_template (list_id, name, body) values (?, ?, ?)"
          + " on conflict on constraint list_template_pk do update"
          + " set body = excluded.body, updated_at = now()";

  /** Back to the default text. Parameters: list id, name. */
  public static final String DELETE_TEMPLATE =
      "delete from list_template where list_id = ? and name = ?";

  /**
   * Counts one more reply to an address today and returns the new count; the caller sends only
   * while it is within the cap. One upsert, so concurrent requests cannot both slip under it.
   * Parameter: address key.
   */
  public static final String COUNT_REPLY =
      "insert into request_reply_count (address_key, day, replies) values (?, current_date, 1)"
          + " on conflict on constraint request_reply_count_pk do update"
          + " set replies = request_reply_count.replies + 1 returning replies";

  /** Counts older than yesterday are no longer needed (the periodic scan). */
  public static final String FORGET_OLD_COUNTS =
      "delete from request_reply_count where day < current_date - 1";

  /**
   * A member's own {@code set digest} command: the chosen mode (a change into or out of a digest
   * takes effect when the digest period ends, see V21's trigger). Parameters: mode, list id, email
   * key. Returns the member id; no row when the sender is not a member.
   */
  public static final String SET_DELIVERY_MODE =
      "update member set delivery_mode = ?, updated_at = now() where list_id = ? and email_key = ?"
          + " returning id";

  /**
   * The name typed with a subscription on a list page, kept on the open request it started.
   * Parameters: name, list id, email.
   */
  public static final String SET_OPEN_REQUEST_NAME =
      "update subscription_request set name = ?, updated_at = now()"
          + " where list_id = ? and email_key = lower(?) and action = 'SUBSCRIBE'"
          + " and state in ('CONFIRMING', 'MODERATING')";

  /**
   * A completed subscription's name becomes the member's, unless the member has one already.
   * Parameter: request id.
   */
  public static final String NAME_FROM_REQUEST =
      "update member m set name = r.name, updated_at = now() from subscription_request r"
          + " where r.id = ? and r.name is not null and m.list_id = r.list_id"
          + " and m.email_key = r.email_key and m.name = ''";
}
