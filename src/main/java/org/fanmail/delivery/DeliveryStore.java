package org.fanmail.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.fanmail.bounce.BounceScoring;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.queue.DeliveryQueries;
import org.fanmail.queue.DeliveryState;
import org.fanmail.stage.Transactions;
import org.fanmail.tlspolicy.TlsUse;
import org.jboss.logging.Logger;

/**
 * Blocking JDBC around {@link DeliveryQueries}: claim, renew, load, record. Each method is one
 * short transaction; call from worker threads only. SQL errors propagate; the row keeps its lease
 * until it expires and is then claimed again.
 */
@ApplicationScoped
public class DeliveryStore {
  private static final Logger LOG = Logger.getLogger(DeliveryStore.class);
  private final AgroalDataSource dataSource;
  private final BounceScoring scoring;

  public DeliveryStore(AgroalDataSource dataSource, BounceScoring scoring) {
    this.dataSource = dataSource;
    this.scoring = scoring;
  }

  /** The database, for the MTA-STS policies kept across restarts. */
  javax.sql.DataSource dataSource() {
    return dataSource;
  }

  /** Claims up to {@code limit} due rows, at most {@code perPost} of one post. */
  List<DeliveryJob> claim(String owner, Duration lease, int perPost, int limit)
      throws SQLException {
    List<DeliveryJob> jobs = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DeliveryQueries.CLAIM_DUE)) {
      ps.setString(1, owner);
      ps.setDouble(2, lease.toMillis() / 1000.0);
      ps.setInt(3, limit);
      ps.setInt(4, perPost);
      ps.setInt(5, limit);
      long sent = System.nanoTime();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array hosts = rs.getArray(4);
          jobs.add(
              new DeliveryJob(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  List.copyOf(Arrays.asList((String[]) hosts.getArray())),
                  rs.getInt(5),
                  new DeliveryJob.Claimed(
                      rs.getTimestamp(6).toInstant(), AttemptReads.openRecipients(rs, 7), sent)));
        }
      }
    }
    return jobs;
  }

  /**
   * What one attempt on a delivery row needs, if the row is still ours and pending; with the post
   * when it was asked for and read in the same statement (else null: {@link #loadPost}).
   */
  record Attempt(Instant receivedAt, List<Recipient> recipients, PostSource post) {
    Attempt(Instant receivedAt, List<Recipient> recipients) {
      this(receivedAt, recipients, null);
    }
  }

  /**
   * Checks the lease (renewing it when little is left) and reads the open recipients; with {@code
   * withPost}, the post too when that takes no extra statement (the lease did not need renewing).
   * An attempt that begins from its fresh claim asks the pool for no connection.
   */
  Optional<Attempt> begin(DeliveryJob job, String owner, Duration lease, boolean withPost)
      throws SQLException {
    Optional<Attempt> claimed = AttemptReads.fromClaim(job, lease, withPost);
    if (claimed.isPresent()) {
      return claimed;
    }
    try (Connection c = dataSource.getConnection()) {
      return AttemptReads.begin(c, job, owner, lease, withPost);
    }
  }

  /**
   * What {@link #finish} found: the delivery's new state and, if the post is now DONE, when it was
   * received.
   */
  record Finished(
      DeliveryState deliveryState, Optional<Instant> postDoneReceivedAt, int fellBack) {}

  /**
   * Records the outcomes of one attempt (laid over the delivery row's outcome arrays), moves the
   * {@code fallback} recipients (refused as relaying in a host-grouped row) to new delivery rows of
   * their own domain and closes the attempt on the delivery row, in one transaction; then, when the
   * row is DONE, closes the post if nothing else of it is pending. The usual attempt (no permanent
   * refusal to score, nothing to move) does all of that in one statement ({@link
   * DeliveryQueries#RECORD_AND_CLOSE}).
   */
  Finished finish(
      DeliveryJob job,
      String owner,
      List<RecipientOutcome> outcomes,
      List<RecipientOutcome> fallback,
      Instant nextAttempt,
      String lastReply,
      TlsUse tls)
      throws SQLException {
    List<RecipientOutcome> refused = refusals(outcomes);
    if (!outcomes.isEmpty() && refused.isEmpty() && fallback.isEmpty()) {
      return finishInOneStatement(job, owner, outcomes, nextAttempt, lastReply, tls);
    }
    Recorded attempt;
    Finished finished;
    try (Connection c = dataSource.getConnection()) {
      attempt =
          Transactions.fromTransaction(
              c,
              tx ->
                  recordAttempt(
                      tx, job, owner, outcomes, refused, fallback, nextAttempt, lastReply, tls));
      finished = attempt.finished();
      if (finished.deliveryState() == DeliveryState.DONE
          && finished.postDoneReceivedAt().isEmpty()) {
        // Other deliveries of the post looked open: some may have been closing at the same time.
        // After the commit, in a statement of its own, the last of them to commit sees every
        // other one closed, so one of them always closes the post, and no finishing transaction
        // waits for another's commit behind a lock on the post row. The outcomes are committed
        // whatever happens here: a failure is left to the scan's FINISH_IDLE_POSTS, never
        // reported as a failed attempt (that would send the copies again).
        try {
          Optional<Instant> done = finishPost(c, job.postId());
          finished = new Finished(finished.deliveryState(), done, finished.fellBack());
        } catch (SQLException e) {
          LOG.warnf(e, "post %d: closing it failed, the scan closes it", job.postId());
        }
      }
    }
    if (attempt.bounces() != null) {
      scoring.wake(attempt.bounces());
    }
    return finished;
  }

  /** What {@link #recordAttempt} committed, and the bounce scoring to announce after the commit. */
  private record Recorded(Finished finished, BounceScoring.Result bounces) {}

  /** The body of {@link #finish}'s transaction. */
  private Recorded recordAttempt(
      Connection c,
      DeliveryJob job,
      String owner,
      List<RecipientOutcome> outcomes,
      List<RecipientOutcome> refused,
      List<RecipientOutcome> fallback,
      Instant nextAttempt,
      String lastReply,
      TlsUse tls)
      throws SQLException {
    BounceScoring.Result bounces = null;
    int fellBack = 0;
    DeliveryState state = null;
    if (!outcomes.isEmpty()) {
      recordOutcomes(c, job, outcomes);
      if (!refused.isEmpty()) {
        // Same scoring and disabling as DSNs; its notices commit with the outcomes.
        bounces =
            scoring.recordRefusals(
                c,
                job.deliveryId(),
                refused.stream().map(o -> (int) o.position()).toArray(Integer[]::new),
                refused.stream().map(RecipientOutcome::reply).toArray(String[]::new));
      }
    }
    if (!fallback.isEmpty()) {
      Integer[] positions = fallback.stream().map(o -> (int) o.position()).toArray(Integer[]::new);
      String[] replies = fallback.stream().map(RecipientOutcome::reply).toArray(String[]::new);
      try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.SPLIT_TO_DOMAINS)) {
        ps.setLong(1, job.deliveryId());
        ps.setString(2, owner);
        ps.setArray(3, c.createArrayOf("integer", positions));
        ps.setArray(4, c.createArrayOf("text", replies));
        ps.setLong(5, job.postId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          fellBack = rs.getInt(1);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.FINISH_ATTEMPT)) {
      ps.setTimestamp(1, Timestamp.from(nextAttempt));
      ps.setString(2, lastReply);
      setTls(ps, 3, tls);
      ps.setLong(5, job.deliveryId());
      ps.setString(6, owner);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          state = DeliveryState.valueOf(rs.getString(1));
        }
      }
    }
    // A post whose other deliveries are all closed (a post of one transaction, the usual
    // case) is closed in this same commit.
    Optional<Instant> done =
        state == DeliveryState.DONE ? finishPost(c, job.postId()) : Optional.empty();
    return new Recorded(new Finished(state, done, fellBack), bounces);
  }

  /** Outcomes that count as bounces: permanent refusals (FAILED with a 5.x.x status). */
  private static List<RecipientOutcome> refusals(List<RecipientOutcome> outcomes) {
    return outcomes.stream().filter(RecipientOutcome::permanentRefusal).toList();
  }

  /** The attempt's TLS policy and use at {@code i} and {@code i + 1}; nulls keep the row's. */
  private static void setTls(PreparedStatement ps, int i, TlsUse tls) throws SQLException {
    ps.setString(i, tls == null ? null : tls.mode().name());
    ps.setObject(i + 1, tls == null ? null : tls.used(), java.sql.Types.BOOLEAN);
  }

  /**
   * Parameters {@code i} to {@code i + 2}: the outcomes as parallel arrays of position, state,
   * reply.
   */
  private static void setOutcomes(
      Connection c, PreparedStatement ps, int i, List<RecipientOutcome> outcomes)
      throws SQLException {
    Integer[] positions = new Integer[outcomes.size()];
    String[] states = new String[outcomes.size()];
    String[] replies = new String[outcomes.size()];
    for (int k = 0; k < positions.length; k++) {
      RecipientOutcome o = outcomes.get(k);
      positions[k] = (int) o.position();
      states[k] = o.state().name();
      replies[k] = o.reply();
    }
    ps.setArray(i, c.createArrayOf("integer", positions));
    ps.setArray(i + 1, c.createArrayOf("text", states));
    ps.setArray(i + 2, c.createArrayOf("text", replies));
  }

  /** Whether the outcomes' positions are 1, 2, ... k in this order. */
  static boolean inOrder(List<RecipientOutcome> outcomes) {
    for (int k = 0; k < outcomes.size(); k++) {
      if (outcomes.get(k).position() != k + 1) {
        return false;
      }
    }
    return true;
  }

  /** {@link DeliveryQueries#RECORD_OUTCOMES}: the outcomes alone, whoever holds the lease. */
  private static void recordOutcomes(Connection c, DeliveryJob job, List<RecipientOutcome> outcomes)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.RECORD_OUTCOMES)) {
      setOutcomes(c, ps, 1, outcomes);
      ps.setLong(4, job.deliveryId());
      ps.executeUpdate();
    }
  }

  /**
   * {@link #finish} of an attempt with nothing to score and nothing to move: {@link
   * DeliveryQueries#RECORD_AND_CLOSE}, committed on its own, then the same after-commit close of
   * the post as the longer path.
   */
  private Finished finishInOneStatement(
      DeliveryJob job,
      String owner,
      List<RecipientOutcome> outcomes,
      Instant nextAttempt,
      String lastReply,
      TlsUse tls)
      throws SQLException {
    DeliveryState state = null;
    Optional<Instant> done = Optional.empty();
    try (Connection c = dataSource.getConnection()) {
      boolean ours = false;
      try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.RECORD_AND_CLOSE)) {
        ps.setTimestamp(1, Timestamp.from(nextAttempt));
        ps.setString(2, lastReply);
        setTls(ps, 3, tls);
        setOutcomes(c, ps, 5, outcomes);
        ps.setBoolean(8, inOrder(outcomes));
        ps.setLong(9, job.deliveryId());
        ps.setString(10, owner);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            ours = true;
            state = DeliveryState.valueOf(rs.getString(1));
            Timestamp received = rs.getTimestamp(2);
            done = received == null ? Optional.empty() : Optional.of(received.toInstant());
          }
        }
      }
      if (!ours) {
        // The row is no longer ours: the copies went out all the same, so their outcomes are
        // recorded (the instance that took the row over does not send them again).
        recordOutcomes(c, job, outcomes);
      }
      if (state == DeliveryState.DONE && done.isEmpty()) {
        // As in finish(): another delivery of the post looked open; the last to commit closes it.
        try {
          done = finishPost(c, job.postId());
        } catch (SQLException e) {
          LOG.warnf(e, "post %d: closing it failed, the scan closes it", job.postId());
        }
      }
    }
    return new Finished(state, done, 0);
  }

  /** Closes the post if nothing of it is pending; when it was received if it was closed. */
  private static Optional<Instant> finishPost(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.FINISH_POST)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
      }
    }
  }

  /** Gives a claimed row back (it becomes due for anyone at once). */
  void release(DeliveryJob job, String owner) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DeliveryQueries.RELEASE_LEASE)) {
      ps.setLong(1, job.deliveryId());
      ps.setString(2, owner);
      ps.executeUpdate();
    }
  }

  Optional<PostSource> loadPost(long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DeliveryQueries.LOAD_POST)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(PostSource.read(rs, 1)) : Optional.empty();
      }
    }
  }

  /** Closes DELIVERING posts that have nothing pending; returns how many. */
  int finishIdlePosts() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DeliveryQueries.FINISH_IDLE_POSTS)) {
      return ps.executeUpdate();
    }
  }

  long pendingDeliveries() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DeliveryQueries.COUNT_PENDING_DELIVERIES);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
