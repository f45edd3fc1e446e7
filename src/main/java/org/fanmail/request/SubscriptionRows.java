package org.fanmail.request;

import static org.fanmail.request.SubscriptionRequestState.DONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import org.fanmail.list.MemberStatus;

/**
 * The {@code subscription_request} and {@code member} rows the subscription services read and
 * write, each statement in the caller's transaction (SQL in {@link RequestQueries}). Pure JDBC, no
 * decisions: which row to write is {@link Subscriptions}', {@link Confirmations}' or {@link
 * OwnerDecisions}' business. An {@link SQLException} goes to the caller, whose transaction then
 * rolls back.
 */
final class SubscriptionRows {
  private SubscriptionRows() {}

  /** A member's status, or null when the address is not a member row of the list. */
  static MemberStatus memberStatus(Connection c, long listId, String email) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.MEMBER_STATUS)) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? MemberStatus.valueOf(rs.getString(1)) : null;
      }
    }
  }

  /** The open request for the same list, address and action (if any) gives way to a new one. */
  static void supersedeOpen(Connection c, long listId, String email, RequestAction action)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.SUPERSEDE_OPEN)) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      ps.setString(3, action.name());
      ps.executeUpdate();
    }
  }

  /**
   * A new request row; {@code tokenHash} and {@code expires} null when nothing is to be confirmed.
   * Returns its id.
   */
  static long insert(
      Connection c,
      long listId,
      String email,
      RequestAction action,
      SubscriptionRequestState state,
      byte[] tokenHash,
      Instant expires,
      boolean needsApproval,
      String source,
      Long postId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.INSERT_REQUEST)) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      ps.setString(3, action.name());
      ps.setString(4, state.name());
      ps.setBytes(5, tokenHash);
      ps.setTimestamp(6, expires == null ? null : Timestamp.from(expires));
      ps.setBoolean(7, needsApproval);
      ps.setString(8, source);
      if (postId == null) {
        ps.setNull(9, Types.BIGINT);
      } else {
        ps.setLong(9, postId);
      }
      ps.setBoolean(10, state == DONE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A request moves on; {@code decided} stamps {@code decided_at}. */
  static void setState(
      Connection c, long id, SubscriptionRequestState state, String reason, boolean decided)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.SET_REQUEST_STATE)) {
      ps.setString(1, state.name());
      ps.setString(2, reason);
      ps.setBoolean(3, decided);
      ps.setLong(4, id);
      ps.executeUpdate();
    }
  }

  /** The request {@code requestId} of the list, locked; unknown ones throw. */
  static SubscriptionRequest lockById(Connection c, long listId, String listAddress, long requestId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.LOCK_BY_ID)) {
      ps.setLong(1, requestId);
      ps.setLong(2, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownRequestException(requestId, listAddress);
        }
        return SubscriptionRequest.read(rs);
      }
    }
  }

  /** The request's state as the enum. */
  static SubscriptionRequestState state(SubscriptionRequest r) {
    return SubscriptionRequestState.valueOf(r.state());
  }

  /** A completed subscription's typed name becomes the member's ({@code NAME_FROM_REQUEST}). */
  static void copyName(Connection c, long requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.NAME_FROM_REQUEST)) {
      ps.setLong(1, requestId);
      ps.executeUpdate();
    }
  }
}
