package org.fanmail.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded-database path, kept working even when the rest of the suite runs on an external
 * server: durability settings are on and data survives a restart. (The leftover server of a killed
 * fanmail is covered across processes by {@code org.fanmail.process.EmbeddedDefaultIT}.)
 */
class EmbeddedDatabaseTest {

  @TempDir Path tmp;

  @Test
  void durabilityIsOnAndDataSurvivesRestart() throws Exception {
    Path dir = tmp.resolve("pg");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      try (Connection c = connect(db);
          Statement s = c.createStatement()) {
        assertEquals("on", show(s, "fsync"));
        assertEquals("on", show(s, "synchronous_commit"));
        assertEquals("on", show(s, "full_page_writes"));
        s.execute("create table kept (v text)");
        s.execute("insert into kept values ('still here')");
      }
    }
    assertTrue(Files.exists(dir.resolve("PG_VERSION")), "data directory kept");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select v from kept")) {
      assertTrue(rs.next());
      assertEquals("still here", rs.getString(1));
    }
  }

  private static Connection connect(EmbeddedDatabase db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl());
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet rs = s.executeQuery("show " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
