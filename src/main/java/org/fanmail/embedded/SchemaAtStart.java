package org.fanmail.embedded;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Brings the schema to this build's version at start-up, before anything else touches the database:
 * Flyway runs only when the schema is behind (a first start, an upgrade) or in doubt. A restart on
 * a schema that is already at {@link #LATEST}, with every migration applied successfully, reads
 * Flyway's history table and goes on: Flyway's set-up and validation were 0.4 s of a 2.3–2.9 s
 * restart (BENCHMARKS.md, thirteenth stop), for nothing to do. Whatever is not plainly current (no
 * history, a failed migration, a newer or older version) goes to Flyway's migrate as before,
 * validation included, so a schema changed by a newer fanmail is judged by Flyway's rules, not
 * ours.
 *
 * <p>Quarkus's own {@code quarkus.flyway.migrate-at-start} is off in production for this; the tests
 * keep it on (they clean the schema at start), and when it is on this finds the schema current and
 * does nothing. The observer runs before the scheduler starts its jobs (priority 0).
 */
@ApplicationScoped
public class SchemaAtStart {
  private static final Logger LOG = Logger.getLogger(SchemaAtStart.class);

  /** This build's newest migration (V47); {@code SchemaAtStartTest} keeps it in step. */
  static final int LATEST = 47;

  /** Whether Flyway's history table is there (under the connection's search_path). */
  static final String HAS_HISTORY = "select to_regclass('flyway_schema_history') is not null";

  /**
   * Whether every versioned migration applied succeeded, and the highest version applied. Our
   * versions are whole numbers; one that is not makes the cast fail, and Flyway decides.
   */
  static final String HISTORY =
      "select coalesce(bool_and(success), true), max(version::integer)"
          + " from flyway_schema_history where version is not null";

  private final AgroalDataSource dataSource;
  private final Instance<Flyway> flyway;

  public SchemaAtStart(AgroalDataSource dataSource, Instance<Flyway> flyway) {
    this.dataSource = dataSource;
    this.flyway = flyway;
  }

  void onStart(@Observes @Priority(-1000) StartupEvent event) {
    try {
      // The embedded PostgreSQL may still be starting: wait here, outside the pool's
      // acquisition timeout (as FlywayAfterStart does for Flyway's own connection).
      PendingStart.await();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean current;
    try (Connection c = dataSource.getConnection()) {
      current = current(c);
    } catch (SQLException e) {
      // A history Flyway cannot have written (a version that is not a number): Flyway judges.
      LOG.debugf(e, "reading the schema history failed; Flyway decides");
      current = false;
    }
    if (current) {
      LOG.infof("schema at version %d: nothing to migrate", LATEST);
      return;
    }
    flyway.get().migrate();
  }

  /** Whether the schema of {@code c}'s search path is at {@link #LATEST}, every migration done. */
  static boolean current(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(HAS_HISTORY);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return false;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(HISTORY);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      int newest = rs.getInt(2);
      boolean versioned = !rs.wasNull();
      return versioned && newest == LATEST && rs.getBoolean(1);
    }
  }
}
