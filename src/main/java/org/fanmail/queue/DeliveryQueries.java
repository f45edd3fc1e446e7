package org.fanmail.queue;

/**
 * The named SQL of delivery: claiming due delivery rows under a lease, loading one transaction's
 * recipients, recording outcomes in one statement per transaction, and closing deliveries and posts
 * when nothing is left to send. Every write that touches a claimed row checks {@code lease_owner},
 * so an instance whose lease ran out cannot overwrite the work of the one that took the row over.
 */
public final class DeliveryQueries {
  private DeliveryQueries() {}

  /**
   * Claims up to N due delivery rows (parameter 5), at most M per post (parameter 4), setting a
   * lease. The LATERAL per post is the fairness rule: a post of a million recipients contributes at
   * most M rows to one claim, so a ten-recipient post to another list is claimed in the same round
   * instead of waiting behind ten thousand rows. Posts are visited least-tried first, then oldest
   * due first; expired leases are due again.
   *
   * <p>Each claimed row comes back with what an attempt begins by reading (the post's received_at,
   * the row's emails, members and outcomes), so that an attempt started while most of the lease is
   * left needs no statement of its own to check the lease and read its recipients.
   */
  public static final String CLAIM_DUE =
      "update delivery d set lease_owner = ?, lease_until = now() + make_interval(secs => ?),"
          + " updated_at = now()"
          + " from post p where p.id = d.post_id and d.id in ("
          + "  select c.id from ("
          + "   select post_id, min(attempts) as attempts, min(next_attempt_at) as due"
          + "   from delivery where state = 'PENDING' and next_attempt_at <= now()"
          + "   and (lease_until is null or lease_until < now())"
          + "   group by post_id order by 2, 3 limit ?) p"
          + "  cross join lateral ("
          + "   select x.id from delivery x where x.post_id = p.post_id and x.state = 'PENDING'"
          + "   and x.next_attempt_at <= now() and (x.lease_until is null or x.lease_until < now())"
          + "   order by x.attempts, x.id limit ? for update skip locked) c"
          + "  limit ?)"
          + " returning d.id, d.post_id, d.destination, d.hosts, d.attempts, p.received_at,"
          + " d.emails, d.members, d.outcomes";

  /**
   * Whether the row is still ours, still pending, and our lease has at least the given number of
   * seconds left (parameter 3): then the attempt starts without a write (and its commit), and this
   * one statement also reads what {@link #OPEN_RECIPIENTS} reads. One row: the post's received_at,
   * then the row's recipients (emails, members, outcomes: the caller keeps the open ones); no row
   * when the lease must be renewed ({@link #RENEW_LEASE}) or the row is not ours.
   */
  public static final String CHECK_LEASE_AND_RECIPIENTS =
      "select p.received_at, d.emails, d.members, d.outcomes"
          + " from delivery d join post p on p.id = d.post_id"
          + " where d.id = ? and d.lease_owner = ? and d.state = 'PENDING'"
          + " and d.lease_until > now() + make_interval(secs => ?)";

  /**
   * {@link #CHECK_LEASE_AND_RECIPIENTS} and {@link #LOAD_POST} in one statement, for the first
   * transaction of a post this instance has not built a message for yet (every transaction of a
   * small post): one row of the post's received_at, the row's recipients (emails, members,
   * outcomes) and the columns of {@link #LOAD_POST} (the list's columns null when the list is
   * gone). No row when the lease must be renewed or the row is not ours. Parameters as {@link
   * #CHECK_LEASE_AND_RECIPIENTS}.
   */
  public static final String CHECK_LEASE_AND_LOAD =
      "select p.received_at, d.emails, d.members, d.outcomes,"
          + " p.raw, l.address, l.local_part, l.domain, l.name, l.subject_prefix, l.reply_to,"
          + " p.purpose, p.envelope_from, l.id, l.personalize, p.dmarc_action,"
          + " l.archive_access <> 'PRIVATE'"
          + " from delivery d join post p on p.id = d.post_id"
          + " left join mailing_list l on l.id = p.list_id"
          + " where d.id = ? and d.lease_owner = ? and d.state = 'PENDING'"
          + " and d.lease_until > now() + make_interval(secs => ?)";

  /**
   * Renews our lease right before a transaction starts and says whether the row is still ours and
   * still pending; the post's received_at decides max-age.
   */
  public static final String RENEW_LEASE =
      "update delivery d set lease_until = now() + make_interval(secs => ?), updated_at = now()"
          + " from post p where d.id = ? and d.lease_owner = ? and d.state = 'PENDING'"
          + " and p.id = d.post_id"
          + " returning p.received_at, p.list_id";

  /**
   * The recipients of one delivery row (emails, members, outcomes; the caller keeps those still to
   * send, PENDING or DEFERRED, with their member for personalized copies).
   */
  public static final String OPEN_RECIPIENTS =
      "select emails, members, outcomes from delivery where id = ?";

  /**
   * Records every recipient outcome of one transaction on its delivery row: parallel arrays of
   * position (1-based), state and reply laid over the row's outcomes and replies ({@code
   * recipient_outcomes}, {@code recipient_replies}: only a recipient still open takes a new state).
   * Whoever holds the lease: the copies were sent, and a row taken over since must not send them
   * again. Parameters: positions, states, replies, delivery id.
   */
  public static final String RECORD_OUTCOMES =
      "update delivery d"
          + " set outcomes = recipient_outcomes(cardinality(d.members), d.outcomes, o.positions,"
          + " o.states),"
          + " replies = recipient_replies(cardinality(d.members), d.outcomes, d.replies,"
          + " o.positions, o.replies),"
          + " tries = recipient_tries(cardinality(d.members), d.outcomes, d.tries, o.positions),"
          + " updated_at = now()"
          + " from (select ?::integer[] as positions, ?::text[] as states, ?::text[] as replies) o"
          + " where d.id = ?";

  /**
   * The relay fallback of {@code group-by=host}: recipients of a host-grouped row that the shared
   * host refused as relaying (parallel arrays: position, reply) move to new PENDING delivery rows,
   * one per domain, whose destination is the domain and whose hosts are empty so that the attempt
   * resolves the domain afresh; in their old row they become MOVED. Only while the row is still
   * ours and the recipient still open. The refusal is the new rows' last reply and each moved
   * recipient's; the attempt counts for each. Returns how many moved. Parameters: delivery id,
   * lease owner, positions, replies, post id.
   */
  public static final String SPLIT_TO_DOMAINS =
      "with d as (select x.id, x.emails, x.members, x.outcomes, x.tries from delivery x"
          + "  where x.id = ? and x.lease_owner = ?),"
          + " u as (select * from unnest(?::integer[], ?::text[]) as u(position, reply)),"
          + " moved as (select u.position, u.reply, d.emails[u.position] as email,"
          + "  d.members[u.position] as member, coalesce(d.tries[u.position], 0) + 1 as tries,"
          + "  lower(substring(d.emails[u.position] from '@([^@]*)$')) as domain"
          + "  from d cross join u"
          + "  where coalesce(d.outcomes[u.position], 'PENDING') in ('PENDING', 'DEFERRED')),"
          + " marked as (update delivery x set"
          + "  outcomes = recipient_outcomes(cardinality(x.members), x.outcomes, m.positions,"
          + "  m.states),"
          + "  replies = recipient_replies(cardinality(x.members), x.outcomes, x.replies,"
          + "  m.positions, m.replies),"
          + "  tries = recipient_tries(cardinality(x.members), x.outcomes, x.tries, m.positions),"
          + "  updated_at = now()"
          + "  from (select array_agg(position::integer) as positions,"
          + "  array_agg('MOVED'::text) as states, array_agg(reply) as replies from moved) m"
          + "  where x.id = (select id from d) and m.positions is not null),"
          + " fresh as (insert into delivery (post_id, destination, hosts, last_reply, emails,"
          + "  members, replies, tries)"
          + "  select ?, m.domain, '{}', min(m.reply), array_agg(m.email order by m.position),"
          + "  array_agg(m.member order by m.position), array_agg(m.reply order by m.position),"
          + "  array_agg(m.tries order by m.position)"
          + "  from moved m group by m.domain)"
          + " select count(*)::integer from moved";

  /**
   * Closes an attempt on a delivery: DONE when no recipient in it is open any more, otherwise due
   * again at the given time (parameter 1). Releases the lease either way. The TLS policy and use of
   * the attempt (parameters 3 and 4) replace the row's when given (null: no session was tried).
   */
  public static final String FINISH_ATTEMPT =
      "update delivery d set state = case when recipients_open(cardinality(d.members), d.outcomes) > 0"
          + " then 'PENDING' else 'DONE' end,"
          + " next_attempt_at = ?, attempts = d.attempts + 1, last_reply = ?,"
          + " tls_policy = coalesce(?, d.tls_policy), tls_used = coalesce(?, d.tls_used),"
          + " lease_owner = null, lease_until = null, updated_at = now()"
          + " where d.id = ? and d.lease_owner = ?"
          + " returning d.state";

  /**
   * Whether an attempt's outcomes ({@code o}) cover a row ({@code d}) whose recipients were all
   * still PENDING (outcomes null) position by position, in order: then the row's new outcomes and
   * replies are the attempt's arrays as they are, with no function laid over them. The attempt says
   * whether its positions are 1 to k in order ({@code o.complete}); k must be the row's size. Every
   * first attempt of a row that reached the peer takes this path.
   */
  private static final String WHOLE_FIRST_ATTEMPT =
      "d.outcomes is null and o.complete and cardinality(o.positions) = cardinality(d.members)";

  /**
   * {@link #RECORD_OUTCOMES}, {@link #FINISH_ATTEMPT} and {@link #FINISH_POST} in one statement,
   * for the usual attempt (no refusal to score, no relay fallback): one row update and no explicit
   * transaction instead of five statements. Parameters: next_attempt_at, last_reply, TLS policy and
   * use (null: keep), positions, states, replies (parallel arrays), whether the positions are 1 to
   * k in order, delivery id, lease owner. Returns one row (the delivery's new state, and the post's
   * received_at when this statement closed the post, else null), or none when the row is no longer
   * ours: then nothing was written, and the caller records the outcomes alone ({@link
   * #RECORD_OUTCOMES}).
   *
   * <p>A whole first attempt ({@link #WHOLE_FIRST_ATTEMPT}) writes the attempt's arrays directly:
   * the outcome functions are PL/pgSQL, and five calls of them cost a one-recipient attempt 0.19 ms
   * more than the recipient-row update they replaced (pg_stat_statements, ingest profile).
   *
   * <p>Every part of one statement reads the same snapshot, taken before any of its updates: the
   * post's check for pending deliveries skips this delivery's own row. A post whose last two
   * deliveries close at the same time is closed by {@link #FINISH_POST} after the commit, as
   * before.
   */
  public static final String RECORD_AND_CLOSE =
      "with d as (update delivery d"
          + "  set outcomes = case when "
          + WHOLE_FIRST_ATTEMPT
          + "  then o.states else recipient_outcomes(cardinality(d.members), d.outcomes,"
          + "  o.positions, o.states) end,"
          + "  replies = case when "
          + WHOLE_FIRST_ATTEMPT
          + "  then o.replies else recipient_replies(cardinality(d.members), d.outcomes, d.replies,"
          + "  o.positions, o.replies) end,"
          + "  tries = case when "
          + WHOLE_FIRST_ATTEMPT
          + "  and d.tries is null then array_fill(1, array[cardinality(d.members)])"
          + "  else recipient_tries(cardinality(d.members), d.outcomes, d.tries, o.positions) end,"
          + "  state = case when "
          + WHOLE_FIRST_ATTEMPT
          + "  then case when 'PENDING' = any(o.states) or 'DEFERRED' = any(o.states)"
          + "  then 'PENDING' else 'DONE' end"
          + "  when recipients_open(cardinality(d.members), recipient_outcomes("
          + "  cardinality(d.members), d.outcomes, o.positions, o.states)) > 0"
          + "  then 'PENDING' else 'DONE' end,"
          + "  next_attempt_at = ?, attempts = d.attempts + 1, last_reply = ?,"
          + "  tls_policy = coalesce(?, d.tls_policy), tls_used = coalesce(?, d.tls_used),"
          + "  lease_owner = null, lease_until = null, updated_at = now()"
          + "  from (select ?::integer[] as positions, ?::text[] as states, ?::text[] as replies,"
          + "  ?::boolean as complete) o"
          + "  where d.id = ? and d.lease_owner = ?"
          + "  returning d.id, d.post_id, d.state),"
          + " p as (update post p set state = 'DONE', done_at = now(), updated_at = now()"
          + "  from d where d.state = 'DONE' and p.id = d.post_id and p.state = 'DELIVERING'"
          + "  and p.expanded_at is not null"
          + "  and not exists (select 1 from delivery x where x.post_id = p.id"
          + "  and x.state = 'PENDING' and x.id <> d.id)"
          + "  returning p.received_at)"
          + " select d.state, (select received_at from p) from d";

  /**
   * Takes this process's instance lock (a session advisory lock) for its lease-owner id (parameter
   * 1): true when it is ours. Two-key space, first key {@code hashtext('fanmail.instance')}, so it
   * never meets the expansion's one-key post locks or the statistics lock.
   */
  public static final String TRY_LOCK_INSTANCE =
      "select pg_try_advisory_lock(hashtext('fanmail.instance'), hashtext(?))";

  /**
   * Set on the instance-lock session: the server probes an idle client after 10 s, every 5 s, and
   * ends the session (releasing the lock) after 3 unanswered probes, so a host that vanished
   * without closing its socket is seen dead in about 25 s, not after the kernel's two hours.
   */
  public static final String INSTANCE_KEEPALIVES =
      "select set_config('tcp_keepalives_idle', '10', false),"
          + " set_config('tcp_keepalives_interval', '5', false),"
          + " set_config('tcp_keepalives_count', '3', false)";

  /**
   * Releases every row leased by a dead instance: an owner of a live lease whose instance lock
   * ({@link #TRY_LOCK_INSTANCE}) no session of this database holds. Returns one row per dead owner
   * (owner, rows released); the rows are due for any claim at once. Run every few seconds and at
   * start, never in a claim: the owners are read once (distinct, a handful) and each is looked up
   * in {@code pg_locks}, so a claim with nobody dead costs nothing more. Only due rows are read
   * (through the PENDING index on next_attempt_at): a leased row is always due, since claims take
   * due rows and the hand-off writes rows due now. A lock is free only when its session ended (or
   * broke), and its instance stops claiming until it has it again.
   */
  public static final String TAKE_OVER_DEAD_LEASES =
      "with owners as (select distinct lease_owner as owner from delivery"
          + "  where state = 'PENDING' and next_attempt_at <= now() and lease_owner is not null"
          + "  and lease_until > now()),"
          + " dead as (select o.owner from owners o where not exists (select 1 from pg_locks l"
          + "  where l.locktype = 'advisory' and l.granted and l.objsubid = 2"
          + "  and l.database = (select oid from pg_database where datname = current_database())"
          + "  and l.classid = hashtext('fanmail.instance')::oid"
          + "  and l.objid = hashtext(o.owner)::oid)),"
          + " released as (update delivery d set lease_owner = null, lease_until = null,"
          + "  updated_at = now() from dead"
          + "  where d.lease_owner = dead.owner and d.state = 'PENDING' and d.next_attempt_at <= now()"
          + "  returning dead.owner)"
          + " select owner, count(*)::int from released group by owner";

  /** Gives a claimed row back untouched (shutdown, or a queue that could not take it). */
  public static final String RELEASE_LEASE =
      "update delivery set lease_owner = null, lease_until = null, updated_at = now()"
          + " where id = ? and lease_owner = ? and state = 'PENDING'";

  /**
   * A post is DONE when none of its deliveries is pending; returns when it was received. Run in the
   * transaction that closes a delivery and, if it did not close the post there, once more in a
   * statement of its own after that commit: of the last deliveries of a post closing at the same
   * time, the one that commits last sees every other one closed, so the post is always closed
   * without a lock that would make their commits wait for each other (measured: 1,050 closes of one
   * post waited 42 ms each on that lock). Two closers may both see nothing pending; the second
   * finds the post DONE already and changes nothing. A post still being written in slices
   * (expanded_at null) is never closed here: its last slice closes it.
   */
  public static final String FINISH_POST =
      "update post p set state = 'DONE', done_at = now(), updated_at = now()"
          + " where p.id = ? and p.state = 'DELIVERING' and p.expanded_at is not null"
          + " and not exists (select 1 from delivery d where d.post_id = p.id"
          + " and d.state = 'PENDING')"
          + " returning p.received_at";

  /**
   * The scan's safety net: DELIVERING posts with no pending delivery left are DONE (a close that
   * raced, or a crash between the last outcome and the post update).
   */
  public static final String FINISH_IDLE_POSTS =
      "update post p set state = 'DONE', done_at = now(), updated_at = now()"
          + " where p.state = 'DELIVERING' and p.expanded_at is not null"
          + " and not exists (select 1 from delivery d where d.post_id = p.id"
          + " and d.state = 'PENDING')";

  /** The raw post and what decoration needs to know about its list. */
  public static final String LOAD_POST =
      "select p.raw, l.address, l.local_part, l.domain, l.name, l.subject_prefix, l.reply_to,"
          + " p.purpose, p.envelope_from, l.id, l.personalize, p.dmarc_action,"
          + " l.archive_access <> 'PRIVATE'"
          + " from post p join mailing_list l on l.id = p.list_id where p.id = ?";

  /** Queue depth for the gauge: delivery rows (transactions) still to be made. */
  public static final String COUNT_PENDING_DELIVERIES =
      "select count(*) from delivery where state = 'PENDING'";
}
