package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fixed-window count per network, on a clock the test moves; its memory stays bounded. */
class MessageRateTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void admitsTheLimitPerWindowThenRefusesUntilTheWindowEnds() {
    MessageRate rate = new MessageRate(3, 60, 100, now::get);
    assertTrue(rate.admit("a"));
    assertTrue(rate.admit("a"));
    assertTrue(rate.admit("a"));
    assertFalse(rate.admit("a"));
    assertTrue(rate.admit("b"), "another network has its own count");
    now.addAndGet(59);
    assertFalse(rate.admit("a"));
    now.addAndGet(1);
    assertTrue(rate.admit("a"), "a new window");
  }

  @Test
  void endedWindowsAreSweptAndAFullTableRefusesNewcomers() {
    MessageRate rate = new MessageRate(1, 60, 3, now::get);
    assertTrue(rate.admit("a"));
    assertTrue(rate.admit("b"));
    assertTrue(rate.admit("c"));
    assertFalse(rate.admit("d"), "table full of live windows: refused, not remembered");
    assertEquals(3, rate.networks());
    now.addAndGet(60);
    assertTrue(rate.admit("d"), "ended windows swept");
    assertEquals(1, rate.networks());
  }
}
