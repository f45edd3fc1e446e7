package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.queue.DeliveryHandoff;
import org.junit.jupiter.api.Test;

/**
 * A batch's hand-off is settled once: when a large post's first slice commits the batch early, its
 * leased rows go to the scheduler then, and the batch's own settling at its end does nothing more.
 */
class HandoverTest {
  /** What the scheduler was told, in order. */
  private static final class Told implements DeliveryHandoff {
    final List<String> calls = new ArrayList<>();

    @Override
    public Reservation reserve(int rows) {
      return new Reservation("me", rows, Duration.ofSeconds(60));
    }

    @Override
    public void take(Reservation r, List<LeasedDelivery> rows) {
      calls.add("take " + rows.size());
    }

    @Override
    public void cancel(Reservation r) {
      calls.add("cancel " + r.rows());
    }
  }

  private static Handover withOneRow(Told told) {
    Handover h = new Handover();
    h.reserved(told.reserve(1));
    h.written(new DeliveryHandoff.LeasedDelivery(1, 2, "127.0.1.1:25", List.of(), 0));
    return h;
  }

  @Test
  void settledEarlyTheBatchsEndChangesNothing() {
    Told told = new Told();
    Handover h = withOneRow(told);
    h.settle(told, true);
    h.settle(told, true);
    h.settle(told, false);
    assertEquals(List.of("take 1"), told.calls);
  }

  @Test
  void aBatchThatRollsBackGivesTheRoomBackOnce() {
    Told told = new Told();
    Handover h = withOneRow(told);
    h.settle(told, false);
    h.settle(told, false);
    assertEquals(List.of("cancel 1"), told.calls);
  }
}
