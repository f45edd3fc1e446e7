package org.fanmail.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-network hourly share of the list page's forms, on a clock the test moves. */
class FormRateTest {
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aNetworkGetsItsShareAndThenWaitsForTheNextHour() {
    MovableClock clock = new MovableClock();
    FormRate rate = new FormRate(3, clock);
    for (int i = 0; i < 3; i++) {
      assertTrue(rate.take("192.0.2.7"));
    }
    assertFalse(rate.take("192.0.2.7"));
    assertTrue(rate.take("192.0.2.8"), "another IPv4 address is another network");
    // Every address of one IPv6 /64 is one network.
    for (int i = 0; i < 3; i++) {
      assertTrue(rate.take("2001:db8:0:1::" + Integer.toHexString(i + 1)));
    }
    assertFalse(rate.take("2001:db8:0:1::ffff"));
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    assertFalse(rate.take("192.0.2.7"));
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertTrue(rate.take("192.0.2.7"));
  }

  @Test
  void memoryIsBoundedWhateverTheNumberOfNetworks() {
    FormRate rate = new FormRate(1, Clock.systemUTC());
    for (int i = 0; i < FormRate.MAX_NETWORKS + 500; i++) {
      rate.take("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
    }
    // The first networks were forgotten: they get a share again.
    assertTrue(rate.take("10.0.0.0"));
  }
}
