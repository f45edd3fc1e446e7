package org.fanmail.request;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * One row of {@code subscription_request} as callers see it. {@code state}: CONFIRMING (waits for
 * the address), MODERATING (waits for an owner), DONE, REJECTED, EXPIRED, SUPERSEDED.
 */
public record SubscriptionRequest(
    long id,
    long listId,
    String email,
    RequestAction action,
    String state,
    Instant expiresAt,
    boolean needsApproval,
    String source,
    String reason,
    Instant createdAt,
    Instant decidedAt,
    boolean expired) {

  /** Reads the columns {@code RequestQueries.REQUEST_COLUMNS} lists, in that order. */
  static SubscriptionRequest read(ResultSet rs) throws SQLException {
    return new SubscriptionRequest(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        RequestAction.valueOf(rs.getString(4)),
        rs.getString(5),
        instant(rs.getTimestamp(6)),
        rs.getBoolean(7),
        rs.getString(8),
        rs.getString(9),
        instant(rs.getTimestamp(10)),
        instant(rs.getTimestamp(11)),
        rs.getBoolean(12));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
