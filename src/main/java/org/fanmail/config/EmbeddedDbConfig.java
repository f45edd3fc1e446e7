package org.fanmail.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** The embedded PostgreSQL (JVM mode only), under {@code fanmail.embedded-db}. */
public interface EmbeddedDbConfig {
  /** Data directory; kept across restarts. */
  @WithDefault("./data/pg")
  Path dir();

  /** Port; 0 picks a free loopback port. */
  @WithDefault("0")
  @Range(min = 0, max = 65535)
  int port();
}
