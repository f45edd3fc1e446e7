package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * The public list pages ({@code /lists/{address}}, its archive pages, {@code /manage/{token}}),
 * under {@code fanmail.pages}.
 */
public interface PagesConfig {
  /** How long a manage link mailed from the list page stays valid. */
  @WithName("manage-ttl")
  @WithDefault("7d")
  Duration manageTtl();

  /**
   * Least time between two manage links mailed to one member (anyone can ask for one on the list
   * page; this keeps the form from mail-bombing a member). Kept in memory per instance.
   */
  @WithName("manage-interval")
  @WithDefault("10m")
  Duration manageInterval();

  /**
   * Subscribe and manage-link forms accepted per client network (IPv4 address, IPv6 /64) and hour,
   * per instance, before the mail they cause meets the system mail caps. Past it the form answers
   * 429.
   */
  @WithName("forms-per-network-per-hour")
  @WithDefault("20")
  @Range(min = 1, max = 100_000)
  int formsPerNetworkPerHour();
}
