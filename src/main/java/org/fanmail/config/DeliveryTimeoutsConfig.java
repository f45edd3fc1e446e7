package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * Outbound SMTP client timeouts, under {@code fanmail.delivery.timeouts}; small values are for
 * tests.
 */
public interface DeliveryTimeoutsConfig {
  /** TCP connect. */
  @WithDefault("30s")
  Duration connect();

  /** Greeting, EHLO, MAIL, RCPT, RSET, QUIT replies (section 4.5.3.2.1-3: 5 minutes). */
  @WithDefault("5m")
  Duration command();

  /** The 354 reply to DATA (section 4.5.3.2.4: 2 minutes). */
  @WithDefault("2m")
  Duration data();

  /** The reply after the final dot (section 4.5.3.2.6: 10 minutes). */
  @WithName("data-done")
  @WithDefault("10m")
  Duration dataDone();
}
