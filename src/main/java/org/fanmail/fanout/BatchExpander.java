package org.fanmail.fanout;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.list.DmarcMitigation;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.queue.PostPurpose;
import org.jboss.logging.Logger;

/**
 * The expansion loop of one batch, in one transaction: claim ACCEPTED posts (oldest first, one
 * statement for up to {@link #BATCH_POSTS}) → DMARC decision → the small posts in memory ({@link
 * InMemoryExpansion}) → the others one by one through the working tables ({@link
 * SetBasedExpansion}, sliced past {@link SlicedExpansion#SLICED_POST}) → commit → hand-off (rows
 * leased to this instance's scheduler join its queues, {@link DeliveriesReady} for the others). The
 * batch ends after a post of more than {@link #SMALL_POST} recipients or after {@link
 * #BATCH_MILLIS}; posts claimed but not reached stay ACCEPTED and lead the next batch.
 *
 * <p>On failure the transaction rolls back and the failure is charged to the post being worked on
 * ({@link FailingPosts}); when it happens in a statement shared by several posts, the next batches
 * are of one post each until one succeeds, so that a post that always fails is found and held back
 * instead of failing every batch it is in. The drain and the scan may call it at the same time: a
 * batch's state is its own, and posts locked by one batch are skipped by the other's claim.
 */
final class BatchExpander {
  /** Logged under the stage's category, as the expansion's other lines are. */
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);

  /** Posts expanded in one transaction at most. */
  static final int BATCH_POSTS = 50;

  /** A post with more recipients than this ends its batch (it is committed on its own). */
  static final int SMALL_POST = 1000;

  /** A batch stops taking posts after this long, so its first post does not wait for long. */
  static final long BATCH_MILLIS = 250;

  /** What a batch found: no post, every post it saw, or posts it left for the next batch. */
  enum Batch {
    NONE,
    ALL,
    MORE
  }

  private final AgroalDataSource dataSource;
  private final DmarcStep dmarc;
  private final DeliveryHandoff handoff;
  private final InMemoryLimit inMemoryLimit;
  private final InMemoryExpansion inMemory;
  private final WorkingTables tables;
  private final SlicedExpansion sliced;
  private final Event<DeliveriesReady> ready;
  private final FailingPosts failing = new FailingPosts();

  /** A statement shared by several posts failed: batches of one post until one succeeds. */
  private volatile boolean soloAfterFailure;

  BatchExpander(
      AgroalDataSource dataSource,
      DmarcStep dmarc,
      DeliveryHandoff handoff,
      InMemoryLimit inMemoryLimit,
      InMemoryExpansion inMemory,
      WorkingTables tables,
      SlicedExpansion sliced,
      Event<DeliveriesReady> ready) {
    this.dataSource = dataSource;
    this.dmarc = dmarc;
    this.handoff = handoff;
    this.inMemoryLimit = inMemoryLimit;
    this.inMemory = inMemory;
    this.tables = tables;
    this.sliced = sliced;
    this.ready = ready;
  }

  /** Claims and expands one post ({@code postId}), or a batch of the oldest ACCEPTED posts. */
  Batch expandNext(Long postId) throws SQLException {
    int batch = soloAfterFailure ? 1 : BATCH_POSTS;
    long started = System.nanoTime();
    Handover handover = new Handover();
    List<Long> expanded = new ArrayList<>();
    int seen;
    boolean committed = false;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // The post being worked on, charged with a failure; null inside a statement shared by
      // several posts.
      Long current = null;
      try {
        List<ClaimedPost> claimed = claim(c, postId, failing.holding(), batch);
        seen = claimed.size();
        List<ClaimedPost> live = new ArrayList<>();
        for (ClaimedPost p : claimed) {
          current = p.id();
          if (prepare(c, p)) {
            live.add(p);
          } else {
            expanded.add(p.id());
          }
        }
        lockDigestPeriods(c, live);
        int limit = inMemoryLimit.candidates();
        List<ClaimedPost> maySmall = live.stream().filter(p -> !p.system() && limit >= 0).toList();
        current = maySmall.size() == 1 ? maySmall.get(0).id() : null;
        Map<Long, Expansion> small = inMemory.expand(c, maySmall, limit, handover);
        small.forEach((id, made) -> logExpanded(id, made, started));
        expanded.addAll(small.keySet());
        // A large post's first slice commits the batch's earlier posts with it: their leased rows
        // are handed over then, not when its last slice is written.
        SetBasedExpansion setBased =
            new SetBasedExpansion(tables, sliced, () -> handover.settle(handoff, true));
        for (ClaimedPost p : live) {
          if (small.containsKey(p.id())) {
            continue;
          }
          if (System.nanoTime() - started > BATCH_MILLIS * 1_000_000L && !expanded.isEmpty()) {
            break;
          }
          long postStarted = System.nanoTime();
          current = p.id();
          expanded.add(p.id());
          Expansion made = setBased.expand(c, p);
          logExpanded(p.id(), made, postStarted);
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
        chargeFailure(current);
        throw e;
      }
    } finally {
      // Settled whatever happens after the reservation (even a failure closing the connection
      // after the commit).
      handover.settle(handoff, committed);
    }
    soloAfterFailure = false;
    for (long id : expanded) {
      failing.succeeded(id);
      if (!handover.covers(id)) {
        ready.fireAsync(new DeliveriesReady(id));
      }
    }
    return postId == null && (seen == batch || expanded.size() < seen) ? Batch.MORE : Batch.ALL;
  }

  /**
   * A claimed post before its expansion: parked when its list is gone (false: nothing to expand),
   * else its DMARC decision made when its list mitigates anything.
   */
  private boolean prepare(Connection c, ClaimedPost p) throws SQLException {
    if (p.listId() == null) {
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.PARK_POST)) {
        ps.setString(1, "the post's list no longer exists");
        ps.setLong(2, p.id());
        ps.executeUpdate();
      }
      LOG.warnf("post %d: parked, its list no longer exists", p.id());
      return false;
    }
    if (!p.system() && DmarcAction.of(p.dmarcMode()) != DmarcAction.NONE) {
      dmarc.decide(c, p.id());
    }
    return true;
  }

  /** Holds the digest periods of the batch's lists until the commit (see the statement). */
  private static void lockDigestPeriods(Connection c, List<ClaimedPost> live) throws SQLException {
    Long[] lists =
        live.stream()
            .filter(p -> !p.system())
            .map(ClaimedPost::listId)
            .distinct()
            .toArray(Long[]::new);
    if (lists.length == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.LOCK_DIGEST_PERIODS)) {
      ps.setArray(1, c.createArrayOf("bigint", lists));
      ps.executeQuery().close();
    }
  }

  /** The batch is redone without {@code current}, which waits before it is tried again. */
  private void chargeFailure(Long current) {
    if (current != null) {
      failing.failed(current);
    } else if (!soloAfterFailure) {
      soloAfterFailure = true;
      LOG.infof("expansion: a statement shared by several posts failed; one post a batch now");
    }
  }

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
  private static List<ClaimedPost> claim(Connection c, Long postId, Long[] skip, int batch)
      throws SQLException {
    List<ClaimedPost> claimed = new ArrayList<>();
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
          PostPurpose purpose = PostPurpose.valueOf(rs.getString(3));
          // A digest comes from the list itself: no poster's DMARC policy applies to it.
          claimed.add(
              new ClaimedPost(
                  rs.getLong(1),
                  listId,
                  purpose == PostPurpose.SYSTEM,
                  purpose == PostPurpose.DIGEST ? DmarcMitigation.NONE.name() : rs.getString(4)));
        }
      }
    }
    return claimed;
  }
}
