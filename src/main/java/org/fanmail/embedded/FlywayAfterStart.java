package org.fanmail.embedded;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Holds the migration at start-up until the embedded PostgreSQL started beside the boot takes
 * connections. Waiting here, before Flyway asks the pool, keeps the wait outside the pool's
 * acquisition timeout (a first start's {@code initdb} on a loaded machine can take longer). With an
 * external database nothing is pending and this returns at once; a failed start stops the boot with
 * its cause.
 */
@ApplicationScoped
public class FlywayAfterStart implements FlywayConfigurationCustomizer {
  @Override
  public void customize(FluentConfiguration configuration) {
    try {
      PendingStart.await();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
