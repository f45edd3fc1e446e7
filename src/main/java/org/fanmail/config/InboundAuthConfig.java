package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * Inbound authentication of posts (SPF, DKIM, DMARC, the Authentication-Results field), under
 * {@code fanmail.smtp.inbound-auth}. Look-ups use {@code fanmail.delivery.dns-servers}.
 */
public interface InboundAuthConfig {
  /**
   * Check every post and prepend Authentication-Results. Off: neither, and lists with {@code
   * memberAuth} DMARC treat every post as a non-member's (nothing can pass).
   */
  @WithDefault("true")
  boolean enabled();

  /**
   * Total time all DNS look-ups of one message may take (SPF, DKIM keys, DMARC), 1 s to 60 s; past
   * it the unfinished checks are {@code temperror}, so the DATA reply is never held longer.
   */
  @WithName("dns-budget")
  @WithDefault("10s")
  Duration dnsBudget();

  /** Timeout of one DNS query (never more than what is left of {@code dns-budget}). */
  @WithName("dns-query-timeout")
  @WithDefault("3s")
  Duration dnsQueryTimeout();
}
