package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Retention of stored message bytes, under {@code fanmail.retention}. */
public interface RetentionConfig {
  /**
   * The bytes of a finished post (DONE, DISCARDED, REJECTED; expired held posts are DISCARDED) are
   * purged this long after its last state change: requests, bounces, system mail, refused and
   * discarded posts always, a list's delivered posts only when the list's archive is off. The row
   * stays (state, envelope, subject, outcomes); its raw view answers 410.
   */
  @WithDefault("30d")
  Duration raw();

  /** How often finished posts are looked at for purging. */
  @WithName("scan-interval")
  @WithDefault("1h")
  Duration scanInterval();
}
