package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Digests, under {@code fanmail.digest}; each list's schedule and threshold are list settings. */
public interface DigestConfig {
  /**
   * How often every list is looked at for a digest due by its schedule or its size threshold: a
   * digest goes out at most this long after its time. Every instance scans; the period lock lets
   * one of them assemble each issue.
   */
  @WithName("scan-interval")
  @WithDefault("10s")
  Duration scanInterval();
}
