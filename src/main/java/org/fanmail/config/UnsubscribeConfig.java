package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * The public unsubscribe pages ({@code /unsubscribe/{token}}), under {@code fanmail.unsubscribe}.
 */
public interface UnsubscribeConfig {
  /** How long the link mailed after the list-level form stays valid. */
  @WithName("confirm-ttl")
  @WithDefault("72h")
  Duration confirmTtl();

  /**
   * Least time between two confirmation mails to one member (the form can be sent by anyone; this
   * keeps it from mail-bombing a member). Kept in memory per instance.
   */
  @WithName("confirm-interval")
  @WithDefault("10m")
  Duration confirmInterval();
}
