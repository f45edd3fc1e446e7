package org.fanmail.moderation;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.fanmail.list.Page;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.UnknownPostException;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * The moderation queue of a list: its held posts, and the three verdicts (approve, reject,
 * discard). Each verdict is one short transaction that locks the post row, checks that it is HELD
 * and on the named list, and moves it on; a post of another list is reported as unknown ({@link
 * UnknownPostException}), a post no longer held as {@link PostNotHeldException} with its state.
 * After an approval commits, {@link PostCommitted} wakes the fan-out stage (a hint: its periodic
 * scan finds the ACCEPTED post anyway). Blocking JDBC: call from a worker thread.
 *
 * <p>With {@link HeldPostNotices} (the moderators hear of each held post), {@link RejectNotice}
 * (the poster hears a rejection, in the verdict's transaction) and {@link HoldExpiry} (undecided
 * posts are discarded), this is the life of a held post; its SQL is {@link ModerationQueries}.
 */
@ApplicationScoped
public class HeldPosts {
  private static final Logger LOG = Logger.getLogger(HeldPosts.class);

  /** One held post as a moderator sees it. */
  public record HeldPost(
      long id,
      String messageId,
      String from,
      String subject,
      Instant receivedAt,
      List<String> ruleHits,
      String reason,
      int size) {}

  /** A post a verdict was just recorded on, as the verdict's follow-up needs it. */
  public record DecidedPost(
      long id,
      long listId,
      String listAddress,
      PostState state,
      String reason,
      String envelopeFrom,
      String fromHeader,
      String subject,
      String messageId) {}

  /**
   * Work that must commit with a verdict (a notice to the poster): runs in the verdict's
   * transaction after the state changed and returns the ids of the system mail it queued.
   */
  @FunctionalInterface
  public interface VerdictFollowUp {
    List<Long> after(Connection c, DecidedPost post) throws SQLException;
  }

  /** What the public moderation page shows of a post. */
  public record PostSummary(
      long id,
      long listId,
      String listAddress,
      String state,
      String envelopeFrom,
      String from,
      String subject,
      Instant receivedAt,
      String reason) {}

  private final AgroalDataSource dataSource;
  private final Event<PostCommitted> committed;
  private final SystemMail systemMail;

  public HeldPosts(
      AgroalDataSource dataSource, Event<PostCommitted> committed, SystemMail systemMail) {
    this.dataSource = dataSource;
    this.committed = committed;
    this.systemMail = systemMail;
  }

  /** The post {@code postId} (any state), if it is a list post whose list still exists. */
  public java.util.Optional<PostSummary> summary(long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ModerationQueries.POST_SUMMARY)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return java.util.Optional.empty();
        }
        return java.util.Optional.of(
            new PostSummary(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getTimestamp(8).toInstant(),
                rs.getString(9)));
      }
    }
  }

  /** One page of the list's held posts, oldest first. */
  public Page<HeldPost> page(long listId, int page, int size) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(ModerationQueries.HELD_COUNT)) {
        ps.setLong(1, listId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      long offset = (long) page * size;
      List<HeldPost> items = new ArrayList<>();
      if (offset < total) {
        try (PreparedStatement ps = c.prepareStatement(ModerationQueries.HELD_PAGE)) {
          ps.setLong(1, listId);
          ps.setInt(2, size);
          ps.setLong(3, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Array hits = rs.getArray(6);
              items.add(
                  new HeldPost(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getTimestamp(5).toInstant(),
                      hits == null ? List.of() : Arrays.asList((String[]) hits.getArray()),
                      rs.getString(7),
                      rs.getInt(8)));
            }
          }
        }
      }
      return new Page<>(items, total, page, size);
    }
  }

  /** HELD → ACCEPTED, then wakes the fan-out stage. */
  public void approve(long listId, String listAddress, long postId) throws SQLException {
    decide(listId, listAddress, postId, PostState.ACCEPTED, null, null);
    try {
      committed.fireAsync(
          new PostCommitted(List.of(postId), Set.of(PostPurpose.POST), Set.of(PostState.ACCEPTED)));
    } catch (RuntimeException e) {
      // A hint only: the periodic scan expands the post anyway.
      LOG.debugf(e, "post %d: PostCommitted after approval not delivered", postId);
    }
  }

  /** HELD → REJECTED, recording {@code reason} (null keeps the chain's reason). */
  public void reject(long listId, String listAddress, long postId, String reason)
      throws SQLException {
    reject(listId, listAddress, postId, reason, null);
  }

  /**
   * HELD → REJECTED with a follow-up (the notice to the poster) that commits with the verdict; the
   * system mail it queued is woken after the commit.
   */
  public void reject(
      long listId, String listAddress, long postId, String reason, VerdictFollowUp followUp)
      throws SQLException {
    decide(listId, listAddress, postId, PostState.REJECTED, reason, followUp);
  }

  /** HELD → DISCARDED. */
  public void discard(long listId, String listAddress, long postId) throws SQLException {
    decide(listId, listAddress, postId, PostState.DISCARDED, null, null);
  }

  private void decide(
      long listId,
      String listAddress,
      long postId,
      PostState state,
      String reason,
      VerdictFollowUp followUp)
      throws SQLException {
    List<Long> queued =
        Transactions.fromTransaction(
            dataSource, c -> decide(c, listId, listAddress, postId, state, reason, followUp));
    LOG.infof("post %d on %s: moderator verdict %s", postId, listAddress, state);
    systemMail.wake(queued);
  }

  /** In the verdict's transaction: locks the post, checks it, records the verdict. */
  private static List<Long> decide(
      Connection c,
      long listId,
      String listAddress,
      long postId,
      PostState state,
      String reason,
      VerdictFollowUp followUp)
      throws SQLException {
    DecidedPost decided;
    try (PreparedStatement ps = c.prepareStatement(ModerationQueries.LOCK_POST)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownPostException(postId, listAddress);
        }
        long owner = rs.getLong(1);
        if (rs.wasNull() || owner != listId) {
          throw new UnknownPostException(postId, listAddress);
        }
        String current = rs.getString(2);
        if (!PostState.HELD.name().equals(current)) {
          throw new PostNotHeldException(postId, current);
        }
        decided =
            new DecidedPost(
                postId,
                listId,
                listAddress,
                state,
                reason,
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6));
      }
    }
    try (PreparedStatement ps = c.prepareStatement(ModerationQueries.SET_VERDICT)) {
      ps.setString(1, state.name());
      ps.setString(2, reason);
      ps.setLong(3, postId);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("post " + postId + " changed under its row lock");
      }
    }
    return followUp == null ? List.of() : followUp.after(c, decided);
  }
}
