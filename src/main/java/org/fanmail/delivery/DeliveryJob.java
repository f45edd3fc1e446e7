package org.fanmail.delivery;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fanmail.delivery.RecipientOutcome.Recipient;

/**
 * One claimed delivery row held in memory while its lease runs: the unit a destination's
 * connections work through. {@code claimed} is what the claim read of the row for its first attempt
 * (null: read when the attempt begins).
 */
record DeliveryJob(
    long deliveryId,
    long postId,
    String destination,
    List<String> hosts,
    int attempts,
    Claimed claimed) {

  DeliveryJob(long deliveryId, long postId, String destination, List<String> hosts, int attempts) {
    this(deliveryId, postId, destination, hosts, attempts, null);
  }

  /**
   * The row as its claim left it: the post's received_at and the open recipients, read in the
   * statement that set the lease. {@code sentNanos} is {@link System#nanoTime} taken before that
   * statement was sent: the lease runs from a moment after it, so a lease of L is known to have
   * more than L/2 left while less than L/2 has passed since {@code sentNanos}.
   */
  record Claimed(Instant receivedAt, List<Recipient> recipients, long sentNanos) {
    /** Whether more than half of {@code leaseNanos} is known to be left at {@code nowNanos}. */
    boolean fresh(long leaseNanos, long nowNanos) {
      return nowNanos - sentNanos < leaseNanos / 2;
    }
  }

  /** Whether some post gave {@code jobs} as many rows as a claim takes of one post ({@code n}). */
  static boolean somePostGave(List<DeliveryJob> jobs, int n) {
    Map<Long, Integer> perPost = new HashMap<>();
    for (DeliveryJob j : jobs) {
      if (perPost.merge(j.postId(), 1, Integer::sum) >= n) {
        return true;
      }
    }
    return false;
  }
}
