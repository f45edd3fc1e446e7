package org.fanmail.fanout;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.fanout.SetBasedQueries.ChunkTables;
import org.fanmail.queue.DeliveriesReady;
import org.jboss.logging.Logger;

/**
 * A post of more than {@link #SLICED_POST} candidates: routed and numbered once into two working
 * tables that outlive commits, then written in slices, each its own transaction, so that sending
 * starts while the rest is written: chunk 0 of every group first (every destination gets work at
 * once), then chunks 1, 2–3, 4–7, and so on, {@link DeliveriesReady} after each. The post is
 * DELIVERING from the first slice and expanded with the last; meanwhile the expanding session holds
 * the post's advisory lock so that nobody else resumes it. If that session dies the lock goes with
 * it and {@link #resumeUnfinished} (run by the scan) expands the members not in any of the post's
 * delivery rows yet into new delivery rows, with nested loops off for that anti-join. A post of a
 * large list starts with its head ({@link #expandWithHead}): its first transactions written before
 * the copy.
 */
final class SlicedExpansion {
  /** Logged under the stage's category, as the expansion's other lines are. */
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);

  /**
   * A post with more candidates than this is written in slices, each committed on its own, so that
   * sending starts before the last slice is written. (Switched off for a while: CrashRecoveryIT
   * found a post killed between two slices that no restarted instance resumed. The resume's
   * anti-join ran for minutes as a nested loop and, its instance killed, kept the post's lock; see
   * {@link SlicedQueries#NO_NESTED_LOOPS}.)
   */
  static final int SLICED_POST = 10_000;

  private final AgroalDataSource dataSource;
  private final WorkingTables tables;
  private final Event<DeliveriesReady> ready;
  private final SlicedHead head;

  SlicedExpansion(
      AgroalDataSource dataSource,
      WorkingTables tables,
      Event<DeliveriesReady> ready,
      SlicedHead head) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.ready = ready;
    this.head = head;
  }

  /**
   * A post of a list with more than {@link #SLICED_POST} active members, before its members are
   * copied into the working tables: its head ({@link SlicedHead}) written and committed first, then
   * the rest of its members copied and written in slices as a resumed post's are. Null when the
   * head wrote nothing (fewer than {@link SlicedHead#CANDIDATES} deliverable members, or no group
   * of them fills a transaction): the caller expands the post the usual way.
   */
  Expansion expandWithHead(Connection c, long postId, long listId, Runnable committed)
      throws SQLException {
    if (!SlicedHead.largeList(c, listId)) {
      return null;
    }
    List<SmallPostPlan.Candidate> candidates = SlicedHead.read(c, listId, postId);
    if (candidates.size() < SlicedHead.CANDIDATES) {
      return null;
    }
    SmallPostPlan plan = head.plan(postId, candidates);
    if (plan.deliveries.isEmpty()) {
      return null;
    }
    boolean locked = tryLock(c, postId);
    try {
      int written = head.write(c, postId, plan, committed);
      WorkingTables.execute(c, FanoutQueries.SORT_MEMORY);
      insertRemainingCandidates(c, listId, postId);
      Expansion rest = expand(c, postId, true, committed);
      return new Expansion(written + rest.recipients(), plan.deliveries.size() + rest.deliveries());
    } finally {
      if (locked) {
        unlock(c, postId);
      }
    }
  }

  /**
   * Writes the post whose candidates are in {@code fanout_candidate} in slices, and commits its
   * last transaction itself (the caller's transaction is the first slice's). On failure the current
   * slice rolls back; slices committed before stay, and the scan resumes the post.
   *
   * @param resumed the caller holds the advisory lock already (and releases it)
   * @param committed run after each commit but the last
   */
  Expansion expand(Connection c, long postId, boolean resumed, Runnable committed)
      throws SQLException {
    ChunkTables t = SlicedQueries.SLICED;
    boolean locked = false;
    try {
      if (!resumed) {
        locked = tryLock(c, postId);
      }
      try (var st = c.createStatement()) {
        st.execute(SlicedQueries.CREATE_SLICED_CHUNK_TABLE);
        st.execute(SlicedQueries.CREATE_SLICED_CHUNK_INDEX);
        st.execute(SlicedQueries.CREATE_SLICED_DELIVERY_TABLE);
        st.execute(SlicedQueries.CLEAR_SLICED_TABLES);
      }
      tables.resolveDomains(c, postId);
      tables.numberChunks(c, t);
      int recipients = WorkingTables.insertFailed(c, postId);
      int deliveries = 0;
      int last;
      try (PreparedStatement ps = c.prepareStatement(t.lastChunk());
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        last = rs.getInt(1);
      }
      try (PreparedStatement ps = c.prepareStatement(SlicedQueries.START_SLICES)) {
        ps.setLong(1, postId);
        ps.executeUpdate();
      }
      for (int from = 0, to = 0; from <= last; from = to + 1, to = Math.min(last, 2 * to + 1)) {
        Expansion slice = tables.insertDeliveries(c, t, postId, from, to);
        deliveries += slice.deliveries();
        recipients += slice.recipients();
        if (to < last) {
          c.commit();
          committed.run();
          ready.fireAsync(new DeliveriesReady(postId));
          WorkingTables.execute(c, FanoutQueries.SORT_MEMORY);
        }
      }
      WorkingTables.finish(c, postId);
      WorkingTables.execute(c, SlicedQueries.CLEAR_SLICED_TABLES);
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

  /**
   * Resumes posts whose sliced expansion stopped half-way (its instance died, or the database went
   * away between two slices): the members not in any of its delivery rows yet are expanded now,
   * into new delivery rows. A post whose expander is alive is skipped (its advisory lock is held).
   */
  void resumeUnfinished() throws SQLException {
    List<Long> unfinished = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(SlicedQueries.UNFINISHED_EXPANSIONS);
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
      try (PreparedStatement ps = c.prepareStatement(SlicedQueries.RECHECK_UNFINISHED)) {
        ps.setLong(1, postId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          long l = rs.getLong(1);
          listId = rs.wasNull() ? null : l;
        }
      }
      WorkingTables.execute(c, FanoutQueries.SORT_MEMORY);
      WorkingTables.create(c);
      int candidates = listId == null ? 0 : insertRemainingCandidates(c, listId, postId);
      LOG.infof("post %d: resuming its expansion, %d members left to write", postId, candidates);
      Expansion made;
      if (candidates > SLICED_POST) {
        made = expand(c, postId, true, () -> {});
      } else {
        made = candidates > 0 ? tables.writeWhole(c, postId) : Expansion.NOTHING;
        WorkingTables.finish(c, postId);
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

  /** The anti-join of {@link SlicedQueries#INSERT_REMAINING_CANDIDATES}, with nested loops off. */
  private static int insertRemainingCandidates(Connection c, long listId, long postId)
      throws SQLException {
    WorkingTables.execute(c, SlicedQueries.NO_NESTED_LOOPS);
    int candidates;
    try (PreparedStatement ps = c.prepareStatement(SlicedQueries.INSERT_REMAINING_CANDIDATES)) {
      ps.setLong(1, listId);
      ps.setLong(2, postId);
      candidates = ps.executeUpdate();
    }
    WorkingTables.execute(c, SlicedQueries.NESTED_LOOPS);
    return candidates;
  }

  private static boolean tryLock(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SlicedQueries.TRY_LOCK_EXPANSION)) {
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
      try (PreparedStatement ps = c.prepareStatement(SlicedQueries.UNLOCK_EXPANSION)) {
        ps.setLong(1, postId);
        ps.executeQuery().close();
      }
      c.commit();
    } catch (SQLException e) {
      LOG.debugf(e, "post %d: releasing the expansion lock failed", postId);
    }
  }
}
