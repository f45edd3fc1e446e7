package org.fanmail.delivery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.queue.DeliveryQueries;

/**
 * The reads that begin an attempt on a claimed delivery row, for {@link DeliveryStore#begin}: the
 * lease checked (renewed only when little is left), the open recipients and, when asked, the post,
 * in as few statements as the lease allows. Empty when the row is no longer ours; SQL errors
 * propagate to the caller.
 */
final class AttemptReads {
  private AttemptReads() {}

  /** See {@link DeliveryStore#begin}; on the caller's connection. */
  static Optional<DeliveryStore.Attempt> begin(
      Connection c, DeliveryJob job, String owner, Duration lease, boolean withPost)
      throws SQLException {
    // A row claimed moments ago still has most of its lease: checked without a write. Only a row
    // that waited long in the runner's queue has its lease renewed.
    Optional<DeliveryStore.Attempt> claimed = fromClaim(job, lease, withPost);
    if (claimed.isPresent()) {
      return claimed;
    }
    if (withPost) {
      Optional<DeliveryStore.Attempt> a = checkAndLoad(c, job, owner, lease);
      if (a.isPresent()) {
        return a;
      }
      return renewAndRead(c, job, owner, lease);
    }
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.CHECK_LEASE_AND_RECIPIENTS)) {
      ps.setLong(1, job.deliveryId());
      ps.setString(2, owner);
      ps.setDouble(3, lease.toMillis() / 2000.0);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return Optional.of(
              new DeliveryStore.Attempt(rs.getTimestamp(1).toInstant(), openRecipients(rs, 2)));
        }
      }
    }
    return renewAndRead(c, job, owner, lease);
  }

  /**
   * The attempt as its claim read it, when that claim is fresh (less than half the lease gone) and
   * the post is not needed: not checked again at all, since its lease cannot have been taken over
   * but by an instance that saw ours dead. Empty when a statement is needed.
   */
  static Optional<DeliveryStore.Attempt> fromClaim(
      DeliveryJob job, Duration lease, boolean withPost) {
    DeliveryJob.Claimed claimed = job.claimed();
    if (!withPost && claimed != null && claimed.fresh(lease.toNanos(), System.nanoTime())) {
      return Optional.of(new DeliveryStore.Attempt(claimed.receivedAt(), claimed.recipients()));
    }
    return Optional.empty();
  }

  /** {@link DeliveryQueries#CHECK_LEASE_AND_LOAD}: empty when the lease needs renewing. */
  private static Optional<DeliveryStore.Attempt> checkAndLoad(
      Connection c, DeliveryJob job, String owner, Duration lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.CHECK_LEASE_AND_LOAD)) {
      ps.setLong(1, job.deliveryId());
      ps.setString(2, owner);
      ps.setDouble(3, lease.toMillis() / 2000.0);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Instant receivedAt = rs.getTimestamp(1).toInstant();
        List<Recipient> recipients = openRecipients(rs, 2);
        rs.getLong(14);
        PostSource post = rs.wasNull() ? null : PostSource.read(rs, 5);
        return Optional.of(new DeliveryStore.Attempt(receivedAt, recipients, post));
      }
    }
  }

  /** The lease renewed (empty when the row is no longer ours), then the open recipients. */
  private static Optional<DeliveryStore.Attempt> renewAndRead(
      Connection c, DeliveryJob job, String owner, Duration lease) throws SQLException {
    Instant receivedAt;
    List<Recipient> recipients = List.of();
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.RENEW_LEASE)) {
      ps.setDouble(1, lease.toMillis() / 1000.0);
      ps.setLong(2, job.deliveryId());
      ps.setString(3, owner);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        receivedAt = rs.getTimestamp(1).toInstant();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.OPEN_RECIPIENTS)) {
      ps.setLong(1, job.deliveryId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          recipients = openRecipients(rs, 1);
        }
      }
    }
    return Optional.of(new DeliveryStore.Attempt(receivedAt, recipients));
  }

  /**
   * The recipients still to send (PENDING or DEFERRED) of a delivery row whose emails, members and
   * outcomes are the columns from {@code first}: each with its 1-based position in the row. Null
   * outcomes: every recipient is PENDING; null emails: a row without recipients.
   */
  static List<Recipient> openRecipients(ResultSet rs, int first) throws SQLException {
    Array emailArray = rs.getArray(first);
    if (emailArray == null) {
      return List.of();
    }
    String[] emails = (String[]) emailArray.getArray();
    Long[] members = (Long[]) rs.getArray(first + 1).getArray();
    Array outcomes = rs.getArray(first + 2);
    String[] state = outcomes == null ? null : (String[]) outcomes.getArray();
    List<Recipient> open = new ArrayList<>(emails.length);
    for (int i = 0; i < emails.length; i++) {
      if (state == null || isOpen(state[i])) {
        open.add(new Recipient(i + 1, emails[i], members[i]));
      }
    }
    return open;
  }

  private static boolean isOpen(String state) {
    return state == null || state.equals("PENDING") || state.equals("DEFERRED");
  }
}
