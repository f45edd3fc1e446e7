package org.fanmail.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaAtStart} skips Flyway only on a schema plainly at this build's version: its {@link
 * SchemaAtStart#LATEST} is the newest migration shipped, and anything else (no history, an older or
 * newer version, a failed migration) is left to Flyway. The histories are written in a scratch
 * schema of a transaction that is rolled back; the test database itself is current.
 */
@QuarkusTest
class SchemaAtStartTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void latestIsTheNewestMigrationShipped() throws Exception {
    Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
    int newest;
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      newest =
          files
              .map(f -> versioned.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow();
    }
    assertEquals(newest, SchemaAtStart.LATEST, "bump SchemaAtStart.LATEST with each migration");
  }

  @Test
  void currentOnlyWhenEveryMigrationUpToTheLatestSucceeded() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      assertTrue(SchemaAtStart.current(c), "the migrated test database");
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("create schema schema_at_start_test");
        s.execute("set local search_path = schema_at_start_test");
        assertFalse(SchemaAtStart.current(c), "no history: a first start");

        s.execute(
            "create table flyway_schema_history (installed_rank integer primary key,"
                + " version varchar(50), success boolean not null)");
        assertFalse(SchemaAtStart.current(c), "an empty history");
        s.execute("insert into flyway_schema_history values (1, '1', true), (2, '41', true)");
        assertFalse(SchemaAtStart.current(c), "behind: an upgrade");
        s.execute(
            "insert into flyway_schema_history values (3, '" + SchemaAtStart.LATEST + "', true)");
        assertTrue(SchemaAtStart.current(c));
        s.execute("insert into flyway_schema_history values (4, null, true)");
        assertTrue(SchemaAtStart.current(c), "a repeatable migration has no version");

        s.execute("update flyway_schema_history set success = false where installed_rank = 2");
        assertFalse(SchemaAtStart.current(c), "a failed migration: Flyway reports it");
        s.execute("update flyway_schema_history set success = true where installed_rank = 2");
        s.execute(
            "insert into flyway_schema_history values (5, '"
                + (SchemaAtStart.LATEST + 1)
                + "', true)");
        assertFalse(SchemaAtStart.current(c), "a newer fanmail migrated: Flyway judges");
      } finally {
        c.rollback();
      }
    }
  }
}
