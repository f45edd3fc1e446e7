package org.fanmail.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limits on the DNS budget and the query timeout that start-up enforces. */
class InboundAuthenticatorTest {
  @Test
  void budgetAndQueryTimeoutAreBounded() {
    InboundAuthenticator.validate(Duration.ofSeconds(10), Duration.ofSeconds(3));
    InboundAuthenticator.validate(Duration.ofSeconds(1), Duration.ofMillis(100));
    InboundAuthenticator.validate(Duration.ofSeconds(60), Duration.ofSeconds(60));
    var tooSmall =
        assertThrows(
            IllegalArgumentException.class,
            () -> InboundAuthenticator.validate(Duration.ofMillis(999), Duration.ofMillis(100)));
    assertTrue(tooSmall.getMessage().contains("dns-budget"));
    assertThrows(
        IllegalArgumentException.class,
        () -> InboundAuthenticator.validate(Duration.ofSeconds(61), Duration.ofSeconds(3)));
    var query =
        assertThrows(
            IllegalArgumentException.class,
            () -> InboundAuthenticator.validate(Duration.ofSeconds(5), Duration.ofSeconds(6)));
    assertTrue(query.getMessage().contains("dns-query-timeout"));
    assertThrows(
        IllegalArgumentException.class,
        () -> InboundAuthenticator.validate(Duration.ofSeconds(5), Duration.ofMillis(99)));
  }
}
