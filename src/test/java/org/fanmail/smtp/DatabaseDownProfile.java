package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.fanmail.embedded.EmbeddedDatabase;

/**
 * The application on a PostgreSQL of its own, which the test stops mid-session to show that a dead
 * database means {@code 451 4.3.0} and never a half-stored post.
 */
public class DatabaseDownProfile implements QuarkusTestProfile {
  static EmbeddedDatabase database;

  static synchronized EmbeddedDatabase database() {
    if (database == null) {
      try {
        database =
            EmbeddedDatabase.start(Files.createTempDirectory("fanmail-dbdown").resolve("pg"), 0);
        // Quarkus may build this profile in more than one class loader, each with its own
        // server; whichever the test does not stop is stopped when the test JVM exits.
        EmbeddedDatabase started = database;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "dbdown-pg-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return database;
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.datasource.jdbc.url", database().jdbcUrl(),
        "quarkus.datasource.username", database().user(),
        "quarkus.datasource.password", database().password(),
        "quarkus.datasource.jdbc.acquisition-timeout", "3s",
        "quarkus.datasource.jdbc.additional-jdbc-properties.connectTimeout", "2");
  }
}
