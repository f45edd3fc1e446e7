package org.fanmail.queue;

import java.time.Duration;
import java.util.List;

/**
 * Delivery rows written already leased to this instance's delivery scheduler, so that a small
 * post's deliveries start without a claim: the expander reserves room in the scheduler's memory,
 * writes the rows with the scheduler's lease in its own transaction, and hands them over after the
 * commit (or gives the room back when it rolls back). Rows handed over are held exactly like
 * claimed ones: a crash leaves leases that expire, and any instance claims the rows again.
 *
 * <p>An interface of {@code queue} so that expansion does not depend on delivery; the delivery
 * scheduler implements it.
 */
public interface DeliveryHandoff {
  /** Room for {@code rows} delivery rows taken; {@code owner} and {@code lease} go into them. */
  record Reservation(String owner, int rows, Duration lease) {}

  /** A committed delivery row leased to the reservation's owner. */
  record LeasedDelivery(
      long deliveryId, long postId, String destination, List<String> hosts, int attempts) {}

  /**
   * Reserves room for {@code rows} rows, all or none.
   *
   * @return the reservation, or null when there is not that much room (or the scheduler is
   *     stopping): then the rows are written unleased and claimed as usual
   */
  Reservation reserve(int rows);

  /** The rows written under {@code r}, committed: they join the scheduler's queues. */
  void take(Reservation r, List<LeasedDelivery> rows);

  /** {@code r}'s room back, nothing written under it (rolled back, or fewer rows than reserved). */
  void cancel(Reservation r);
}
