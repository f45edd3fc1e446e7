package org.fanmail.request;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.fanmail.stage.Stage;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * The request stage: takes RECEIVED messages to a list's command addresses ({@code -request},
 * {@code -join}, {@code -leave}, {@code -confirm+TOKEN}, {@code -owner}; never {@code -bounces}),
 * one short transaction per message: claim the row ({@code FOR UPDATE SKIP LOCKED}), let {@link
 * RequestProcessor} act and queue its answers, move the row to DONE or DISCARDED with a reason,
 * commit, then wake the delivery of the answers.
 *
 * <p>Woken by {@link PostCommitted} (the hints are batched: one primary-key look-up per batch tells
 * which posts are ours, so posts to the list itself cost one shared query) and by a periodic scan,
 * which is the truth: it also expires unconfirmed requests and forgets old reply and hourly system
 * mail counts. A message whose processing fails is PARKED with the error, so one bad message cannot
 * block the queue; failures that retrying can cure (database outage, serialization, a race on one
 * address) leave it RECEIVED for the next scan.
 */
@ApplicationScoped
public class RequestStage {
  private static final Logger LOG = Logger.getLogger(RequestStage.class);

  /** Hints kept in memory at most; past it they are dropped and the scan covers them. */
  private static final int MAX_HINTS = 10_000;

  /** Ids looked up per query. */
  private static final int HINT_BATCH = 500;

  private final AgroalDataSource dataSource;
  private final RequestProcessor processor;
  private final Subscriptions subscriptions;
  private final SystemMail systemMail;
  private final SystemMailCaps caps;

  /** One worker: requests are few, and one at a time keeps the connection use bounded. */
  private final Stage stage =
      new Stage("request", "request-stage", LOG, MAX_HINTS, HINT_BATCH, this::drainHints);

  public RequestStage(
      AgroalDataSource dataSource,
      RequestProcessor processor,
      Subscriptions subscriptions,
      SystemMail systemMail,
      SystemMailCaps caps) {
    this.dataSource = dataSource;
    this.processor = processor;
    this.subscriptions = subscriptions;
    this.systemMail = systemMail;
    this.caps = caps;
  }

  /** Posts were committed: remember the ids and make sure one drain is on its way. */
  void onPostCommitted(@ObservesAsync PostCommitted event) {
    if (!event.mayHavePurpose(
        PostPurpose.REQUEST,
        PostPurpose.JOIN,
        PostPurpose.LEAVE,
        PostPurpose.CONFIRM,
        PostPurpose.OWNER)) {
      return;
    }
    stage.hint(event.postIds());
  }

  /** One batch of hints: one look-up tells which are ours, then one transaction each. */
  private void drainHints(List<Long> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    for (long ours : ours(batch)) {
      processOne(ours);
    }
  }

  /** The truth behind the wake-ups: every RECEIVED command message, then housekeeping. */
  @Scheduled(
      every = "${fanmail.requests.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    stage.scan(
        () -> {
          while (processOne(null)) {
            // one message per transaction
          }
          int expired = subscriptions.expire();
          if (expired > 0) {
            LOG.infof("%d unconfirmed subscription requests expired", expired);
          }
          try (Connection c = dataSource.getConnection();
              PreparedStatement ps = c.prepareStatement(RequestQueries.FORGET_OLD_COUNTS)) {
            ps.executeUpdate();
          }
          caps.forgetPastHours();
        });
  }

  private List<Long> ours(List<Long> ids) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.SELECT_OURS_AMONG)) {
      ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  /**
   * Claims and processes one message ({@code postId}, or the oldest); false when there was none.
   */
  public boolean processOne(Long postId) throws SQLException {
    List<Long> queued = new ArrayList<>();
    Processed done =
        Transactions.fromTransaction(dataSource, c -> claimAndProcess(c, postId, queued));
    if (done == null) {
      return false;
    }
    LOG.infof(
        "post %d (%s): %s, %s",
        done.m().id(), done.m().purpose(), done.f().state(), done.f().reason());
    systemMail.wake(queued);
    return true;
  }

  /** A message this stage finished, and how. */
  private record Processed(ClaimedMessage m, RequestProcessor.Finish f) {}

  /** In the transaction: claims the message and finishes it; null when there was none. */
  private Processed claimAndProcess(Connection c, Long postId, List<Long> queued)
      throws SQLException {
    ClaimedMessage m;
    try (PreparedStatement ps =
        c.prepareStatement(
            postId == null ? RequestQueries.CLAIM_NEXT : RequestQueries.CLAIM_BY_ID)) {
      if (postId != null) {
        ps.setLong(1, postId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        m = ClaimedMessage.read(rs);
      }
    }
    RequestProcessor.Finish f;
    try {
      f = processor.process(c, m, queued);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException s && transientFailure(s)) {
        throw s;
      }
      // Undo the half-done work, keep the claim, park the message for a human.
      c.rollback();
      queued.clear();
      claimAgain(c, m.id());
      f = new RequestProcessor.Finish(PostState.PARKED, "processing failed: " + e);
      LOG.errorf(e, "post %d (%s): parked, processing failed", m.id(), m.purpose());
    }
    finish(c, m.id(), f);
    return new Processed(m, f);
  }

  private static void claimAgain(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.CLAIM_BY_ID)) {
      ps.setLong(1, id);
      ps.executeQuery().close();
    }
  }

  private static void finish(Connection c, long id, RequestProcessor.Finish f) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.FINISH_POST)) {
      ps.setString(1, f.state().name());
      String reason = f.reason();
      ps.setString(2, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
      ps.setLong(3, id);
      ps.executeUpdate();
    }
  }

  /**
   * Retry later: connection trouble (08), serialization or deadlock (40), shutdown (57), and a
   * unique violation (23505), which here means two workers raced on requests for one address (the
   * loser's retry finds the winner's row and supersedes it).
   */
  private static boolean transientFailure(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("40")
        || state.startsWith("57")
        || state.equals("23505");
  }

  /**
   * Shutdown: hints still queued are dropped, not run against a closing pool (the scan has them).
   */
  void onStop(@Observes ShutdownEvent event) {
    stage.stop();
  }
}
