package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * Bounce scoring, under {@code fanmail.bounce} (Mailman's model): a permanent failure adds 1 to the
 * member's score at most once a day; a score whose last bounce is older than {@code stale-after}
 * starts again at 1; at {@code threshold} the member is disabled, unless the burst guard holds the
 * disable back.
 */
public interface BounceConfig {
  /** Score at which a member's delivery is disabled (DISABLED_BY_BOUNCE). */
  @WithDefault("5")
  @Range(min = 1, max = 1000)
  int threshold();

  /** A score whose last bounce is older than this starts again at 1. */
  @WithName("stale-after")
  @WithDefault("7d")
  Duration staleAfter();

  /**
   * Burst guard: members of one list disabled per recipient domain within a day; past it scores
   * still rise but disabling waits, and the owners are told once a day that the domain looks like
   * it blocks the list.
   */
  @WithName("max-disables-per-destination-per-day")
  @WithDefault("20")
  @Range(min = 1)
  int maxDisablesPerDestinationPerDay();

  /** Bounce events older than this are deleted. */
  @WithName("keep-events")
  @WithDefault("90d")
  Duration keepEvents();

  /** How often the bounce queue is scanned (each received bounce wakes it sooner). */
  @WithName("scan-interval")
  @WithDefault("10s")
  Duration scanInterval();
}
