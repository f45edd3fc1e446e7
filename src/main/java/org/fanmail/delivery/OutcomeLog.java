package org.fanmail.delivery;

import java.util.List;
import org.jboss.logging.Logger;

/**
 * The one log line of each recorded row: its post, delivery, destination, how many recipients were
 * delivered, deferred and failed, and the row's state after it. Written by {@link
 * DestinationRunner} after the outcomes are committed.
 */
final class OutcomeLog {
  private static final Logger LOG = Logger.getLogger(DestinationRunner.class);

  private OutcomeLog() {}

  static void row(DeliveryJob job, List<RecipientOutcome> outcomes, DeliveryStore.Finished f) {
    int delivered = 0;
    int deferred = 0;
    int failed = 0;
    for (RecipientOutcome o : outcomes) {
      switch (o.state()) {
        case DELIVERED -> delivered++;
        case DEFERRED -> deferred++;
        case FAILED -> failed++;
      }
    }
    // Concatenated, not infof: java.util.Formatter on every transaction's line was a visible share
    // of a small-post workload's CPU (the same for the other per-post lines).
    LOG.info(
        "post "
            + job.postId()
            + ": delivery "
            + job.deliveryId()
            + " to "
            + job.destination()
            + ": "
            + delivered
            + " delivered, "
            + deferred
            + " deferred, "
            + failed
            + " failed; row "
            + (f.deliveryState() == null ? "no longer ours" : f.deliveryState()));
  }
}
