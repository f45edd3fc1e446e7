package org.fanmail.testing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fanmail.embedded.EmbeddedDatabase;

/**
 * The real PostgreSQL every {@code @QuarkusTest} runs on: the server named by {@code TEST_PG_URL}
 * (with {@code TEST_PG_USER} / {@code TEST_PG_PASSWORD}) when set, as in CI, otherwise an embedded
 * one started once per test JVM on a fresh temporary data directory. Applied to every
 * {@code @QuarkusTest} of the suite by its own annotation (not restricted to an annotated class).
 */
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
  private static EmbeddedDatabase embedded;

  /** The JDBC URL, user and password the tests use; starts the embedded server if needed. */
  public static synchronized Map<String, String> connection() {
    String url = System.getenv("TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      return Map.of(
          "url", url,
          "user", envOr("TEST_PG_USER", "postgres"),
          "password", envOr("TEST_PG_PASSWORD", ""));
    }
    if (embedded == null) {
      try {
        Path dir = Files.createTempDirectory("fanmail-test-pg");
        embedded = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        EmbeddedDatabase started = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-pg-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Map.of(
        "url", embedded.jdbcUrl(), "user", embedded.user(), "password", embedded.password());
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> c = connection();
    return Map.of(
        "quarkus.datasource.jdbc.url", c.get("url"),
        "quarkus.datasource.username", c.get("user"),
        "quarkus.datasource.password", c.get("password"));
  }

  @Override
  public void stop() {
    // The server outlives one application start: it is stopped when the test JVM exits.
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
