package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Held posts: notices and expiry, under {@code fanmail.moderation}. */
public interface ModerationConfig {
  /**
   * A post held longer than this is discarded (reason "expired"), and its moderation link stops
   * working. The poster is not told (held posts are mostly spam with forged senders).
   */
  @WithName("hold-expiry")
  @WithDefault("14d")
  Duration holdExpiry();

  /** How often held posts are scanned for notices still to send and for expiry. */
  @WithName("scan-interval")
  @WithDefault("10s")
  Duration scanInterval();
}
