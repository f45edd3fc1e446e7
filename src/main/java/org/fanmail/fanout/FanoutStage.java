package org.fanmail.fanout;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.fanmail.config.FanmailConfig;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.queue.FanoutQueries;
import org.fanmail.queue.FanoutQueries.WorkingTables;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.StageWorker;
import org.jboss.logging.Logger;

/**
 * Expansion: turns each ACCEPTED post into recipient rows and delivery rows (one per future SMTP
 * transaction) and moves the post to DELIVERING (or DONE when nobody is left to send to). Small
 * posts share a transaction (a batch); a post of more than {@link #SLICED_POST} recipients is
 * written in committed slices.
 *
 * <p>Invariants: a post of at most {@link #INLINE_POST} candidates is read into the heap and routed
 * there ({@link SmallPostPlan}); a larger one is copied with one INSERT ... SELECT and never passes
 * through the heap. Each distinct recipient domain is resolved once per expansion; every recipient
 * ends up FAILED (domain can never take mail) or attached to exactly one delivery row of at most
 * {@code max-recipients-per-transaction} recipients. Triggered by {@link PostCommitted} and by a
 * periodic scan; on any error the transaction rolls back and the post stays ACCEPTED for the next
 * scan.
 */
@ApplicationScoped
public class FanoutStage {
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);
  private static final int DOMAIN_BATCH = 256;

  /** Posts expanded in one transaction at most. */
  static final int BATCH_POSTS = 50;

  /** A post with more recipients than this ends its batch (it is committed on its own). */
  static final int SMALL_POST = 1000;

  /**
   * A post with more candidates than this is written in slices, each committed on its own (see
   * {@link #expandInSlices}), so that sending starts before the last slice is written. (Switched
   * off for a while: CrashRecoveryIT found a post killed between two slices that no restarted
   * instance resumed. The resume's anti-join ran for minutes as a nested loop and, its instance
   * killed, kept the post's lock; see {@link FanoutQueries#NO_NESTED_LOOPS}.)
   */
  static final int SLICED_POST = 10_000;

  /**
   * A post of at most this many candidates is routed in memory and written with one statement
   * ({@link SmallPostPlan}); a larger one by the set-based statements through the working tables.
   * Measured on ingest of one-recipient posts: a dozen statements less per post.
   */
  static final int INLINE_POST = SMALL_POST;

  /** A batch stops taking posts after this long, so its first post does not wait for long. */
  static final long BATCH_MILLIS = 250;

  private final AgroalDataSource dataSource;
  private final DestinationResolver resolver;
  private final FanmailConfig config;
  private final Event<DeliveriesReady> ready;
  private final ReentrantLock scanning = new ReentrantLock();
  private final FailingPosts failing = new FailingPosts();

  /** A statement shared by several posts failed: batches of one post until one succeeds. */
  private volatile boolean soloAfterFailure;

  /** {@link #INLINE_POST}, lowered by tests to send small posts the set-based way. */
  private volatile int inlineLimit = INLINE_POST;

  /** Decides the post's DMARC action in the expansion's transaction (README "DMARC"). */
  @Inject DmarcStep dmarc;

  /** The delivery scheduler of this instance, which takes small posts' rows without a claim. */
  @Inject DeliveryHandoff handoff;

  /**
   * Rows of one batch written leased to this instance's scheduler: handed over after the commit,
   * the room given back when the batch rolls back.
   */
  private static final class Handed {
    DeliveryHandoff.Reservation reservation;
    final List<DeliveryHandoff.LeasedDelivery> rows = new ArrayList<>();
    final Set<Long> posts = new HashSet<>();
  }

  /**
   * Runs every announced expansion, one at a time: expansion holds a database connection and writes
   * many rows, and unbounded parallel expansions would starve SMTP intake of connections (measured:
   * ingest fell to a fifth). The queue of hints is bounded; a hint dropped when it is full is
   * covered by the scan.
   */
  private final ExecutorService expander = StageWorker.single("fanout-expand", 10_000);

  /** A drain is queued on {@link #expander} and has not started yet. */
  private final AtomicBoolean drainQueued = new AtomicBoolean();

  private volatile boolean stopped;

  /** Resolves one batch of domains in parallel; DNS waits dominate expansion of wide lists. */
  private final ExecutorService dnsPool =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "fanout-dns");
            t.setDaemon(true);
            return t;
          });

  public FanoutStage(
      AgroalDataSource dataSource,
      DestinationResolver resolver,
      FanmailConfig config,
      Event<DeliveriesReady> ready) {
    this.dataSource = dataSource;
    this.resolver = resolver;
    this.config = config;
    this.ready = ready;
  }

  /**
   * The SMTP stage committed posts, announced synchronously: hand them to a worker at once, so the
   * firing thread (perhaps an event loop) never waits for expansion.
   */
  void onPostCommittedSync(@Observes PostCommitted event) {
    if (event.mayHaveState("ACCEPTED")) {
      wake();
    }
  }

  /** The SMTP stage committed posts (async event): wake the single expander. */
  void onPostCommittedAsync(@ObservesAsync PostCommitted event) {
    if (event.mayHaveState("ACCEPTED")) {
      wake();
    }
  }

  /**
   * Queues one drain unless one is queued already: a burst of commits wakes the expander once, not
   * once per post (each wake-up past the first found nothing left and cost a claim).
   */
  private void wake() {
    if (!stopped && drainQueued.compareAndSet(false, true)) {
      expander.execute(this::drain);
    }
  }

  /**
   * Expands the ACCEPTED posts in batches (oldest first) until none is left; runs on the expander
   * thread. The flag is cleared first, so a post committed while this runs wakes another drain.
   */
  private void drain() {
    drainQueued.set(false);
    int failures = 0;
    while (!stopped) {
      try {
        // A batch that took every ACCEPTED post it saw ends the drain: a post committed since
        // wakes another (one claim fewer per wake-up than claiming until none is found).
        if (expandNext(null) != Batch.MORE) {
          return;
        }
        failures = 0;
      } catch (SQLException | RuntimeException e) {
        if (stopped) {
          return;
        }
        // The failed post now waits its turn (FailingPosts), so the next batch goes on without
        // it; a database that is gone fails every batch, and the scan takes over after three.
        LOG.warnf(e, "expansion failed, the next scan retries it");
        if (++failures == 3) {
          return;
        }
      }
    }
  }

  /**
   * Shutdown: no new drain starts and the running one stops after its batch (a batch cut short by
   * the pool closing rolls back; its posts stay ACCEPTED for the next start).
   */
  void onStop(@Observes ShutdownEvent event) {
    stopped = true;
    expander.shutdownNow();
    dnsPool.shutdownNow();
  }

  /** The truth behind the wake-ups: expands every ACCEPTED post, a batch per transaction. */
  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    if (!scanning.tryLock()) {
      return;
    }
    try {
      resumeUnfinished();
      while (!stopped && expandNext(null) == Batch.MORE) {
        // a batch per transaction
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "expansion scan failed; retried at the next scan");
    } finally {
      scanning.unlock();
    }
  }

  /** Expands one specific post if it is still ACCEPTED and nobody else holds it. */
  public boolean expand(long postId) throws SQLException {
    return expandNext(postId) != Batch.NONE;
  }

  /** What a batch found: no post, every post it saw, or posts it left for the next batch. */
  private enum Batch {
    NONE,
    ALL,
    MORE
  }

  /**
   * A claimed post: its id, its list (null when the list is gone), whether it is system mail, and
   * its list's DMARC mitigation.
   */
  private record Claimed(long id, Long listId, boolean system, String dmarcMode) {}

  /**
   * Tests: posts of more than {@code limit} candidates take the set-based path (default 1,000); a
   * negative limit sends every post that way.
   */
  void inlineLimit(int limit) {
    this.inlineLimit = limit;
  }

  /**
   * Claims and expands one post ({@code postId}), or a batch of the oldest ACCEPTED posts (one
   * claim for all) in one transaction; false when there was none. The batch's small posts are read
   * with one statement and written with another ({@link #expandSmall}); the others follow one by
   * one through the working tables, and the batch ends after one of more than {@link #SMALL_POST}
   * candidates or after {@link #BATCH_MILLIS} (posts claimed but not reached stay ACCEPTED and lead
   * the next batch). One commit, one WAL flush, for up to {@link #BATCH_POSTS} posts.
   *
   * <p>A failure is charged to the post being worked on; when it happens in a statement shared by
   * several posts, the next batches are of one post each until one succeeds, so that a post that
   * always fails is found and held back instead of failing every batch it is in.
   */
  private Batch expandNext(Long postId) throws SQLException {
    List<Long> expanded = new ArrayList<>();
    int batch = soloAfterFailure ? 1 : BATCH_POSTS;
    int seen;
    long batchStarted = System.nanoTime();
    Long current = null;
    // The working tables are set up by the first post of the batch that takes the set-based path
    // (small posts never touch them), and emptied before each further one.
    boolean tablesReady = false;
    boolean tablesUsed = false;
    Handed handed = new Handed();
    boolean committed = false;
    try {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          List<Claimed> claimed = claim(c, postId, failing.holding(), batch);
          seen = claimed.size();
          List<Claimed> candidates = new ArrayList<>();
          for (Claimed p : claimed) {
            current = p.id();
            if (p.listId() == null) {
              try (PreparedStatement ps = c.prepareStatement(FanoutQueries.PARK_POST)) {
                ps.setString(1, "the post's list no longer exists");
                ps.setLong(2, p.id());
                ps.executeUpdate();
              }
              expanded.add(p.id());
              LOG.warnf("post %d: parked, its list no longer exists", p.id());
              continue;
            }
            if (!p.system() && DmarcAction.of(p.dmarcMode()) != DmarcAction.NONE) {
              dmarc.decide(c, p.id());
            }
            candidates.add(p);
          }
          List<Claimed> maySmall =
              candidates.stream().filter(p -> !p.system() && inlineLimit >= 0).toList();
          current = maySmall.size() == 1 ? maySmall.get(0).id() : null;
          Set<Long> small = expandSmall(c, maySmall, batchStarted, handed);
          expanded.addAll(small);
          for (Claimed p : candidates) {
            if (small.contains(p.id())) {
              continue;
            }
            if (System.nanoTime() - batchStarted > BATCH_MILLIS * 1_000_000L
                && !expanded.isEmpty()) {
              break;
            }
            long started = System.nanoTime();
            current = p.id();
            expanded.add(p.id());
            if (!tablesReady) {
              try (var st = c.createStatement()) {
                // The numbering and the recipient insert sort the whole post: in memory up to
                // about 500,000 recipients instead of on disk past 40,000 (the default of 4 MB).
                st.execute(FanoutQueries.SORT_MEMORY);
              }
              createWorkingTables(c);
              tablesReady = true;
            } else if (tablesUsed) {
              try (var st = c.createStatement()) {
                st.execute(FanoutQueries.CLEAR_WORKING_TABLES);
              }
            }
            tablesUsed = true;
            Expansion made = expandInTransaction(c, p.id(), p.listId(), p.system());
            logExpanded(p.id(), made, started);
            if (made.recipients() > SMALL_POST) {
              break;
            }
          }
          current = null;
          if (expanded.isEmpty()) {
            c.rollback();
            return Batch.NONE;
          }
          c.commit();
          committed = true;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          if (current != null) {
            // The batch is redone without this post; it waits before it is tried again.
            failing.failed(current);
          } else if (!soloAfterFailure) {
            soloAfterFailure = true;
            LOG.infof(
                "expansion: a statement shared by several posts failed; one post a batch now");
          }
          throw e;
        }
      }
    } finally {
      // Settled whatever happens after the reservation (even a failure closing the connection
      // after the commit): committed rows join the scheduler's queues, otherwise the room is
      // given back, nothing having been written under it.
      if (handed.reservation != null) {
        if (committed) {
          handoff.take(handed.reservation, handed.rows);
        } else {
          handoff.cancel(handed.reservation);
        }
      }
    }
    soloAfterFailure = false;
    for (long id : expanded) {
      failing.succeeded(id);
      if (!handed.posts.contains(id)) {
        ready.fireAsync(new DeliveriesReady(id));
      }
    }
    return postId == null && (seen == batch || expanded.size() < seen) ? Batch.MORE : Batch.ALL;
  }

  /** Counts come from the statements themselves (a recount would cost a scan of every row). */
  private static void logExpanded(long postId, Expansion made, long started) {
    LOG.info(
        "post "
            + postId
            + ": expanded into "
            + made.recipients()
            + " recipients, "
            + made.deliveries()
            + " transactions, in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
  }

  /**
   * Locks {@code postId} if it is still ACCEPTED, or else up to {@code batch} of the oldest
   * ACCEPTED posts other than {@code skip}, in one statement.
   */
  private static List<Claimed> claim(Connection c, Long postId, Long[] skip, int batch)
      throws SQLException {
    List<Claimed> claimed = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            postId == null ? FanoutQueries.CLAIM_ACCEPTED_POSTS : FanoutQueries.CLAIM_POST_BY_ID)) {
      if (postId != null) {
        ps.setLong(1, postId);
      } else {
        ps.setArray(1, c.createArrayOf("bigint", skip));
        ps.setInt(2, batch);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long l = rs.getLong(2);
          Long listId = rs.wasNull() ? null : l;
          claimed.add(
              new Claimed(
                  rs.getLong(1), listId, "SYSTEM".equals(rs.getString(3)), rs.getString(4)));
        }
      }
    }
    return claimed;
  }

  /** What one expansion wrote: recipient rows (failed-at-once included) and delivery rows. */
  private record Expansion(int recipients, int deliveries) {}

  /** The set-based expansion of a post through the working tables (its DMARC decision is made). */
  private Expansion expandInTransaction(Connection c, long postId, long listId, boolean system)
      throws SQLException {
    int candidates;
    if (system) {
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.INSERT_SYSTEM_CANDIDATES)) {
        ps.setLong(1, postId);
        candidates = ps.executeUpdate();
      }
    } else {
      candidates = insertCandidates(c, FanoutQueries.INSERT_CANDIDATES, listId, postId);
    }
    if (candidates > SLICED_POST) {
      return expandInSlices(c, postId, false);
    }
    Expansion made = candidates > 0 ? writeWhole(c, postId) : new Expansion(0, 0);
    finish(c, postId);
    return made;
  }

  /**
   * The posts of {@code posts} with at most {@link #inlineLimit} candidates: read with one
   * statement per list ({@link FanoutQueries#SELECT_CANDIDATES_OF_LIST}), routed, grouped and
   * numbered here ({@link SmallPostPlan}) and written with one more ({@link
   * FanoutQueries#WRITE_SMALL_POSTS}), which also moves them on. Returns their ids; the others are
   * left untouched for the set-based path.
   */
  private Set<Long> expandSmall(Connection c, List<Claimed> posts, long started, Handed handed)
      throws SQLException {
    int limit = inlineLimit;
    if (posts.isEmpty() || limit < 0) {
      return Set.of();
    }
    // The candidates, one statement per list (a batch is usually of one or a few lists).
    Map<Long, List<Claimed>> byList = new LinkedHashMap<>();
    for (Claimed p : posts) {
      byList.computeIfAbsent(p.listId(), k -> new ArrayList<>()).add(p);
    }
    Map<Long, List<SmallPostPlan.Candidate>> candidates = new LinkedHashMap<>();
    for (Map.Entry<Long, List<Claimed>> list : byList.entrySet()) {
      List<Claimed> ofList = list.getValue();
      int max = (limit + 1) * ofList.size();
      Map<Long, List<SmallPostPlan.Candidate>> found = new LinkedHashMap<>();
      for (Claimed p : ofList) {
        found.put(p.id(), new ArrayList<>());
      }
      int rows = 0;
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.SELECT_CANDIDATES_OF_LIST)) {
        ps.setLong(1, list.getKey());
        ps.setArray(2, c.createArrayOf("bigint", ofList.stream().map(Claimed::id).toArray()));
        ps.setInt(3, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            found
                .get(rs.getLong(1))
                .add(new SmallPostPlan.Candidate(rs.getLong(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      if (rows < max) {
        // Not cut short: every post's candidates are all here (and a post of more than the
        // limit is still left to the set-based path below).
        candidates.putAll(found);
      }
    }
    // The batch's rows, in parallel arrays; a recipient's delivery index counts across posts.
    List<Long> dPost = new ArrayList<>();
    List<SmallPostPlan.Delivery> ds = new ArrayList<>();
    List<Long> pIds = new ArrayList<>();
    List<Integer> pDeliveries = new ArrayList<>();
    List<Long> rPost = new ArrayList<>();
    List<SmallPostPlan.Recipient> rs = new ArrayList<>();
    Map<Long, Expansion> made = new LinkedHashMap<>();
    for (Map.Entry<Long, List<SmallPostPlan.Candidate>> e : candidates.entrySet()) {
      long postId = e.getKey();
      if (e.getValue().size() > limit) {
        continue;
      }
      List<String> domains =
          e.getValue().stream().map(SmallPostPlan.Candidate::domain).distinct().sorted().toList();
      List<Destination> resolved = resolveAll(domains, postId);
      Map<String, Destination> destinations = new HashMap<>();
      for (int i = 0; i < domains.size(); i++) {
        destinations.put(domains.get(i), resolved.get(i));
      }
      SmallPostPlan plan =
          SmallPostPlan.of(
              e.getValue(),
              destinations,
              config.delivery().groupBy(),
              config.delivery().maxRecipientsPerTransaction());
      int offset = ds.size();
      for (SmallPostPlan.Delivery d : plan.deliveries) {
        dPost.add(postId);
        ds.add(d);
      }
      for (SmallPostPlan.Recipient r : plan.recipients) {
        rPost.add(postId);
        rs.add(
            r.delivery() == 0
                ? r
                : new SmallPostPlan.Recipient(
                    r.memberId(),
                    r.email(),
                    r.domain(),
                    r.delivery() + offset,
                    r.state(),
                    r.reply()));
      }
      pIds.add(postId);
      pDeliveries.add(plan.deliveries.size());
      made.put(postId, new Expansion(plan.recipients.size(), plan.deliveries.size()));
    }
    if (made.isEmpty()) {
      return Set.of();
    }
    // The rows due now go to this instance's scheduler without a claim when it has room for all.
    int due = (int) ds.stream().filter(d -> !d.temporary()).count();
    DeliveryHandoff.Reservation reservation = due > 0 ? handoff.reserve(due) : null;
    handed.reservation = reservation;
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.WRITE_SMALL_POSTS)) {
      int i = 1;
      ps.setInt(i++, ds.size());
      ps.setString(i++, reservation == null ? null : reservation.owner());
      ps.setDouble(i++, reservation == null ? 0 : reservation.lease().toMillis() / 1000.0);
      ps.setDouble(i++, config.delivery().retrySchedule().get(0).toMillis() / 1000.0);
      ps.setArray(i++, c.createArrayOf("bigint", dPost.toArray()));
      ps.setArray(i++, textArray(c, ds, SmallPostPlan.Delivery::destination));
      ps.setArray(i++, textArray(c, ds, SmallPostPlan.Delivery::hosts));
      ps.setArray(i++, c.createArrayOf("boolean", ds.stream().map(d -> d.temporary()).toArray()));
      ps.setArray(i++, textArray(c, ds, SmallPostPlan.Delivery::reason));
      ps.setArray(i++, c.createArrayOf("bigint", pIds.toArray()));
      ps.setArray(i++, c.createArrayOf("integer", pDeliveries.toArray()));
      ps.setArray(i++, c.createArrayOf("bigint", rPost.toArray()));
      ps.setArray(i++, c.createArrayOf("bigint", rs.stream().map(r -> r.memberId()).toArray()));
      ps.setArray(i++, textArray(c, rs, SmallPostPlan.Recipient::email));
      ps.setArray(i++, textArray(c, rs, SmallPostPlan.Recipient::domain));
      ps.setArray(i++, c.createArrayOf("integer", rs.stream().map(r -> r.delivery()).toArray()));
      ps.setArray(i++, textArray(c, rs, SmallPostPlan.Recipient::state));
      ps.setArray(i++, textArray(c, rs, SmallPostPlan.Recipient::reply));
      try (ResultSet leased = ps.executeQuery()) {
        while (leased.next()) {
          handed.rows.add(
              new DeliveryHandoff.LeasedDelivery(
                  leased.getLong(1),
                  leased.getLong(2),
                  leased.getString(3),
                  List.of((String[]) leased.getArray(4).getArray()),
                  leased.getInt(5)));
        }
      }
    }
    if (reservation != null) {
      handed.posts.addAll(made.keySet());
    }
    made.forEach((id, m) -> logExpanded(id, m, started));
    return made.keySet();
  }

  private static <T> java.sql.Array textArray(
      Connection c, List<T> rows, java.util.function.Function<T, String> column)
      throws SQLException {
    return c.createArrayOf("text", rows.stream().map(column).toArray());
  }

  private static void createWorkingTables(Connection c) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(FanoutQueries.CREATE_CANDIDATE_TABLE);
      st.execute(FanoutQueries.CREATE_DOMAIN_TABLE);
      st.execute(FanoutQueries.CREATE_CHUNK_TABLE);
      st.execute(FanoutQueries.CREATE_DELIVERY_TABLE);
    }
  }

  private static int insertCandidates(Connection c, String sql, long listId, long postId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, listId);
      ps.setLong(2, postId);
      return ps.executeUpdate();
    }
  }

  private static int insertRemainingCandidates(Connection c, long listId, long postId)
      throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(FanoutQueries.NO_NESTED_LOOPS);
    }
    int candidates = insertCandidates(c, FanoutQueries.INSERT_REMAINING_CANDIDATES, listId, postId);
    try (var st = c.createStatement()) {
      st.execute(FanoutQueries.NESTED_LOOPS);
    }
    return candidates;
  }

  /** A small post: routed, numbered and written in the caller's transaction. */
  private Expansion writeWhole(Connection c, long postId) throws SQLException {
    WorkingTables t = FanoutQueries.PER_COMMIT;
    resolveDomains(c, postId);
    numberAndAllocate(c, t);
    int deliveries = insertDeliveries(c, t, postId, 0, Integer.MAX_VALUE);
    int recipients = insertRecipients(c, t, postId, 0, Integer.MAX_VALUE);
    return new Expansion(recipients + insertFailed(c, postId), deliveries);
  }

  /**
   * A large post (more than {@link #SLICED_POST} candidates in {@code fanout_candidate}): routed
   * and numbered once, then written in slices of chunks, each committed so that its transactions
   * can be sent while the next slice is written: chunk 0 of every group first (every destination
   * gets work at once), then chunks 1, 2–3, 4–7, and so on. The post is DELIVERING from the first
   * slice and expanded with the last; meanwhile this session holds the post's advisory lock, so
   * that nobody else resumes it, and if this instance dies the lock goes with its session and the
   * scan resumes the post where it stopped ({@link #resumeUnfinished()}). Commits its last
   * transaction itself.
   *
   * @param resumed the caller holds the advisory lock already (and releases it)
   */
  private Expansion expandInSlices(Connection c, long postId, boolean resumed) throws SQLException {
    WorkingTables t = FanoutQueries.SLICED;
    boolean locked = false;
    try {
      if (!resumed) {
        locked = tryLock(c, postId);
      }
      try (var st = c.createStatement()) {
        st.execute(FanoutQueries.CREATE_SLICED_CHUNK_TABLE);
        st.execute(FanoutQueries.CREATE_SLICED_CHUNK_INDEX);
        st.execute(FanoutQueries.CREATE_SLICED_DELIVERY_TABLE);
        st.execute(FanoutQueries.CLEAR_SLICED_TABLES);
      }
      resolveDomains(c, postId);
      numberAndAllocate(c, t);
      int recipients = insertFailed(c, postId);
      int deliveries = 0;
      int last;
      try (PreparedStatement ps = c.prepareStatement(t.lastChunk());
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        last = rs.getInt(1);
      }
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.START_SLICES)) {
        ps.setLong(1, postId);
        ps.executeUpdate();
      }
      for (int from = 0, to = 0; from <= last; from = to + 1, to = Math.min(last, 2 * to + 1)) {
        deliveries += insertDeliveries(c, t, postId, from, to);
        recipients += insertRecipients(c, t, postId, from, to);
        if (to < last) {
          c.commit();
          ready.fireAsync(new DeliveriesReady(postId));
          try (var st = c.createStatement()) {
            st.execute(FanoutQueries.SORT_MEMORY);
          }
        }
      }
      finish(c, postId);
      try (var st = c.createStatement()) {
        st.execute(FanoutQueries.CLEAR_SLICED_TABLES);
      }
      c.commit();
      return new Expansion(recipients, deliveries);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      if (locked) {
        unlock(c, postId);
      }
    }
  }

  private void numberAndAllocate(Connection c, WorkingTables t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(t.numberRecipients())) {
      ps.setInt(1, config.delivery().maxRecipientsPerTransaction());
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(t.allocateDeliveries())) {
      ps.executeUpdate();
    }
  }

  private int insertDeliveries(Connection c, WorkingTables t, long postId, int from, int to)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(t.insertDeliveries())) {
      ps.setLong(1, postId);
      ps.setDouble(2, config.delivery().retrySchedule().get(0).toMillis() / 1000.0);
      ps.setInt(3, from);
      ps.setInt(4, to);
      return ps.executeUpdate();
    }
  }

  private static int insertRecipients(Connection c, WorkingTables t, long postId, int from, int to)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(t.insertRecipients())) {
      ps.setLong(1, postId);
      ps.setInt(2, from);
      ps.setInt(3, to);
      return ps.executeUpdate();
    }
  }

  private static int insertFailed(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.INSERT_FAILED_RECIPIENTS)) {
      ps.setLong(1, postId);
      return ps.executeUpdate();
    }
  }

  private static void finish(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.FINISH_EXPANSION)) {
      ps.setLong(1, postId);
      ps.executeUpdate();
    }
  }

  private static boolean tryLock(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.TRY_LOCK_EXPANSION)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** Best effort: a session that cannot unlock is broken, and its end releases the lock. */
  private static void unlock(Connection c, long postId) {
    try {
      c.rollback();
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.UNLOCK_EXPANSION)) {
        ps.setLong(1, postId);
        ps.executeQuery().close();
      }
      c.commit();
    } catch (SQLException e) {
      LOG.debugf(e, "post %d: releasing the expansion lock failed", postId);
    }
  }

  /**
   * Resumes posts whose sliced expansion stopped half-way (its instance died, or the database went
   * away between two slices): the members who have no recipient row yet are expanded now, into new
   * delivery rows. A post whose expander is alive is skipped (its advisory lock is held).
   */
  void resumeUnfinished() throws SQLException {
    List<Long> unfinished = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.UNFINISHED_EXPANSIONS);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unfinished.add(rs.getLong(1));
        }
      }
      if (unfinished.isEmpty()) {
        return;
      }
      c.setAutoCommit(false);
      for (long id : unfinished) {
        try {
          resumeOne(c, id);
        } catch (SQLException | RuntimeException e) {
          LOG.warnf(e, "post %d: resuming its expansion failed; retried at the next scan", id);
        }
      }
    }
  }

  private void resumeOne(Connection c, long postId) throws SQLException {
    if (!tryLock(c, postId)) {
      // Its expander is alive (or its dead instance's statement is still running).
      LOG.debugf("post %d: half-written, its expansion lock is held", postId);
      c.rollback();
      return;
    }
    try {
      Long listId;
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.RECHECK_UNFINISHED)) {
        ps.setLong(1, postId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          long l = rs.getLong(1);
          listId = rs.wasNull() ? null : l;
        }
      }
      try (var st = c.createStatement()) {
        st.execute(FanoutQueries.SORT_MEMORY);
      }
      createWorkingTables(c);
      int candidates = listId == null ? 0 : insertRemainingCandidates(c, listId, postId);
      LOG.infof("post %d: resuming its expansion, %d members left to write", postId, candidates);
      Expansion made;
      if (candidates > SLICED_POST) {
        made = expandInSlices(c, postId, true);
      } else {
        made = candidates > 0 ? writeWhole(c, postId) : new Expansion(0, 0);
        finish(c, postId);
        c.commit();
      }
      LOG.infof(
          "post %d: expansion resumed and finished: %d more recipients, %d transactions",
          postId, made.recipients(), made.deliveries());
      ready.fireAsync(new DeliveriesReady(postId));
    } finally {
      unlock(c, postId);
    }
  }

  /** Streams the distinct domains, resolves them in parallel batches, writes fanout_domain. */
  private void resolveDomains(Connection c, long postId) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(FanoutQueries.SELECT_DISTINCT_DOMAINS);
        PreparedStatement insert = c.prepareStatement(FanoutQueries.INSERT_DOMAIN)) {
      select.setFetchSize(DOMAIN_BATCH);
      try (ResultSet rs = select.executeQuery()) {
        List<String> batch = new ArrayList<>(DOMAIN_BATCH);
        while (rs.next()) {
          batch.add(rs.getString(1));
          if (batch.size() == DOMAIN_BATCH) {
            writeDomains(c, insert, batch, postId);
            batch.clear();
          }
        }
        writeDomains(c, insert, batch, postId);
      }
    }
  }

  private CompletableFuture<Destination> resolveHere(String domain) {
    try {
      return CompletableFuture.completedFuture(resolver.resolve(domain));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The destinations of {@code domains}, in their order, resolved in parallel (one domain: here); a
   * failed look-up is TEMPORARY.
   */
  private List<Destination> resolveAll(List<String> domains, long id) {
    List<CompletableFuture<Destination>> futures = new ArrayList<>(domains.size());
    for (String domain : domains) {
      // One domain (a small post, a system notice): resolved here, without a hop to the pool.
      futures.add(
          domains.size() == 1
              ? resolveHere(domain)
              : CompletableFuture.supplyAsync(() -> resolver.resolve(domain), dnsPool));
    }
    List<Destination> resolved = new ArrayList<>(domains.size());
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      Destination d;
      try {
        d = futures.get(i).join();
      } catch (RuntimeException e) {
        d = Destination.temporary("4.4.3 look-up of " + domain + " failed: " + e.getMessage());
      }
      if (!d.routable()) {
        LOG.infof("post %d: domain %s is %s: %s", id, domain, d.outcome(), d.reason());
      }
      resolved.add(d);
    }
    return resolved;
  }

  private void writeDomains(Connection c, PreparedStatement insert, List<String> domains, long id)
      throws SQLException {
    if (domains.isEmpty()) {
      return;
    }
    List<Destination> resolved = resolveAll(domains, id);
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      Destination d = resolved.get(i);
      String[] hosts = d.hosts().stream().map(HostPort::toString).toArray(String[]::new);
      insert.setString(1, domain);
      insert.setString(2, Grouper.groupKey(domain, d, config.delivery().groupBy()));
      insert.setArray(3, c.createArrayOf("text", hosts));
      insert.setString(4, d.outcome().name());
      insert.setString(5, d.reason());
      insert.addBatch();
    }
    insert.executeBatch();
  }
}
