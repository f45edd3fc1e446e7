package org.fanmail.bounce;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A member's bounce record for the admin API: score, last bounce, recent events; and the owner's
 * re-enable (ACTIVE, score 0, last bounce cleared: a fresh start). Plain JDBC, one short
 * transaction per call; blocking, worker threads only.
 */
@ApplicationScoped
public class MemberBounces {
  /** Most events one read returns. */
  public static final int MAX_EVENTS = 200;

  /** One recorded bounce. */
  public record Event(
      Instant at,
      String source,
      Long postId,
      String action,
      String status,
      String diagnostic,
      String outcome,
      int scoreAfter) {}

  /** A member's bounce state and recent events, newest first. */
  public record Info(
      String email,
      String status,
      int bounceScore,
      Instant lastBounceAt,
      int threshold,
      List<Event> events) {}

  private final AgroalDataSource dataSource;
  private final org.fanmail.config.FanmailConfig config;

  public MemberBounces(AgroalDataSource dataSource, org.fanmail.config.FanmailConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  /** The member's bounce record, or empty when the list has no such member. */
  public Optional<Info> info(long listId, String email, int limit) throws SQLException {
    int n = Math.max(1, Math.min(limit, MAX_EVENTS));
    try (Connection c = dataSource.getConnection()) {
      long id;
      String address;
      String status;
      int score;
      Timestamp last;
      try (PreparedStatement ps = c.prepareStatement(BounceQueries.MEMBER_STATE)) {
        ps.setLong(1, listId);
        ps.setString(2, email);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          id = rs.getLong(1);
          address = rs.getString(2);
          status = rs.getString(3);
          score = rs.getInt(4);
          last = rs.getTimestamp(5);
        }
      }
      List<Event> events = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(BounceQueries.RECENT_EVENTS)) {
        ps.setLong(1, id);
        ps.setInt(2, n);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long post = rs.getLong(3);
            Long postId = rs.wasNull() ? null : post;
            events.add(
                new Event(
                    rs.getTimestamp(1).toInstant(),
                    rs.getString(2),
                    postId,
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getInt(8)));
          }
        }
      }
      return Optional.of(
          new Info(
              address,
              status,
              score,
              last == null ? null : last.toInstant(),
              config.bounce().threshold(),
              events));
    }
  }

  /**
   * Turns delivery back on: ACTIVE, score 0. False when the list has no such member.
   *
   * @throws MemberPendingException the member has not confirmed yet (only they can)
   */
  public boolean enable(long listId, String email) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Long id = null;
      String status = null;
      try (PreparedStatement ps = c.prepareStatement(BounceQueries.MEMBER_STATE)) {
        ps.setLong(1, listId);
        ps.setString(2, email);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            id = rs.getLong(1);
            status = rs.getString(3);
          }
        }
      }
      if (id == null) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement(BounceQueries.ENABLE)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new MemberPendingException(email, status);
          }
        }
      }
      return true;
    }
  }
}
