package org.fanmail.fanout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.queue.DeliveryHandoff;

/**
 * The rows of one batch written leased to this instance's delivery scheduler ({@link
 * DeliveryHandoff}): handed over after the commit, the room given back when the batch rolls back.
 * {@link #settle} runs whatever happens once room is reserved, so room is never leaked.
 */
final class Handover {
  private DeliveryHandoff.Reservation reservation;
  private final List<DeliveryHandoff.LeasedDelivery> rows = new ArrayList<>();
  private final Set<Long> posts = new HashSet<>();

  /** Room reserved for the batch (null: none, its rows are written unleased). */
  void reserved(DeliveryHandoff.Reservation r) {
    this.reservation = r;
  }

  void written(DeliveryHandoff.LeasedDelivery row) {
    rows.add(row);
  }

  /** {@code ids} had their due rows written leased: the scheduler needs no wake-up for them. */
  void handed(Set<Long> ids) {
    if (reservation != null) {
      posts.addAll(ids);
    }
  }

  /** The scheduler takes {@code postId}'s rows itself (no {@code DeliveriesReady} for it). */
  boolean covers(long postId) {
    return posts.contains(postId);
  }

  /**
   * Committed rows join the scheduler's queues; otherwise the room is given back, nothing having
   * been written under it. Once: a large post's first slice commits the batch's rows before the
   * batch ends ({@link SetBasedExpansion}), and they are handed over then, not when its last slice
   * is written; the batch's own settling afterwards does nothing.
   */
  void settle(DeliveryHandoff handoff, boolean committed) {
    DeliveryHandoff.Reservation r = reservation;
    reservation = null;
    if (r != null) {
      if (committed) {
        handoff.take(r, rows);
      } else {
        handoff.cancel(r);
      }
    }
  }
}
