package org.fanmail.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded-database path, kept working even when the rest of the suite runs on an external
 * server: durability settings are on, data survives a restart, no connection gets in without a
 * password, fanmail's role is no superuser, and a data directory made in the days of trust is
 * migrated. (The leftover server of a killed fanmail is covered across processes by {@code
 * org.fanmail.process.EmbeddedDefaultIT}.)
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
    Files.delete(tmp.resolve(EmbeddedDatabase.SUPERUSER_PASSWORD_FILE));
    IllegalStateException lost =
        assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(dir, 0).close());
    assertTrue(lost.getMessage().contains("pg-superuser-password is missing"), lost.getMessage());
  }

  @Test
  void nobodyGetsInWithoutThePasswordAndFanmailIsNoSuperuser() throws Exception {
    Path dir = tmp.resolve("pg");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      for (String user : new String[] {"postgres", "fanmail"}) {
        for (String database : new String[] {"postgres", "fanmail", "template1"}) {
          String url = "jdbc:postgresql://localhost:" + db.port() + "/" + database;
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(url, user, "").close(),
              user + " without a password on " + database);
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(url, user, "wrong").close(),
              user + " with a wrong password on " + database);
        }
      }
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(tmp.resolve(EmbeddedDatabase.PASSWORD_FILE))));
      assertEquals(db.password(), Files.readString(tmp.resolve("pg-password")).trim());
      try (Connection c = connect(db);
          Statement s = c.createStatement()) {
        assertEquals("fanmail", query(s, "select current_user"));
        assertEquals("f", query(s, "select rolsuper from pg_roles where rolname = current_user"));
        assertEquals("scram-sha-256", show(s, "password_encryption"));
        SQLException copy =
            assertThrows(SQLException.class, () -> s.execute("copy (select 1) to program 'true'"));
        assertEquals("42501", copy.getSQLState(), "insufficient privilege: " + copy);
        assertThrows(SQLException.class, () -> s.execute("select pg_read_file('PG_VERSION')"));
        // Owner of its database: Flyway can create, alter and drop what it needs.
        s.execute("create table migrated (id bigint generated always as identity, v text)");
        s.execute("drop table migrated");
      }
    }
  }

  /**
   * Generated passwords (256 random bits) get verifiers of few SCRAM iterations, so that a new
   * connection costs the JVM almost nothing; a short password, one an operator wrote into the file,
   * keeps PostgreSQL's 4,096. Either way only the right password gets in.
   */
  @Test
  void generatedPasswordsGetFewIterationsAndAnOperatorsShortOneTheDefault() throws Exception {
    Path dir = tmp.resolve("pg");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      assertEquals("SCRAM-SHA-256$16:,SCRAM-SHA-256$16:", verifierPrefixes(db), "fanmail,postgres");
      connect(db).close();
    }
    SecretFile.write(tmp.resolve(EmbeddedDatabase.PASSWORD_FILE), "a short one");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      assertEquals("a short one", db.password());
      assertEquals(
          "SCRAM-SHA-256$4096:,SCRAM-SHA-256$16:", verifierPrefixes(db), "fanmail,postgres");
      connect(db).close();
      String url = db.jdbcUrl();
      assertThrows(
          SQLException.class, () -> DriverManager.getConnection(url, "fanmail", "a short on"));
    }
    assertEquals(16, ClusterAccess.iterations("x".repeat(32)));
    assertEquals(4096, ClusterAccess.iterations("x".repeat(31)));
  }

  /**
   * Each role's verifier up to its iteration count, fanmail's then postgres's, as the superuser.
   */
  private String verifierPrefixes(EmbeddedDatabase db) throws Exception {
    String superuser =
        Files.readString(tmp.resolve(EmbeddedDatabase.SUPERUSER_PASSWORD_FILE)).trim();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + db.port() + "/postgres", "postgres", superuser);
        Statement s = c.createStatement()) {
      return query(
          s,
          "select string_agg(substring(rolpassword from '^SCRAM-SHA-256\\$[0-9]+:'), ','"
              + " order by rolname) from pg_authid where rolname in ('fanmail', 'postgres')");
    }
  }

  /**
   * A data directory as fanmail made it before passwords: initdb {@code -A trust}, the tables in
   * database postgres owned by postgres. After one start it takes passwords only, and fanmail's
   * role finds its tables (and their identity sequences) in its own database, as their owner.
   */
  @Test
  void trustDataDirectoryIsMigrated() throws Exception {
    Path dir = tmp.resolve("pg");
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .start();
        Connection c = DriverManager.getConnection(old.getJdbcUrl("postgres", "postgres"));
        Statement s = c.createStatement()) {
      s.execute("create table flyway_schema_history (installed_rank int primary key)");
      s.execute("create table member (id bigint generated always as identity, email text)");
      s.execute("insert into member (email) values ('kept@a.test')");
      s.execute("create view members as select email from member");
      s.execute(
          "create function member_count() returns bigint language sql"
              + " as 'select count(*) from member'");
    }
    assertFalse(Files.readString(dir.resolve("pg_hba.conf")).startsWith(ClusterAccess.HBA_MARKER));
    for (int start = 0; start < 2; start++) { // the second start finds nothing left to do
      try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
        String url = "jdbc:postgresql://localhost:" + db.port() + "/postgres";
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "postgres", ""));
        try (Connection c = connect(db);
            Statement s = c.createStatement()) {
          assertEquals("f", query(s, "select rolsuper from pg_roles where rolname = current_user"));
          assertEquals(
              "fanmail",
              query(
                  s,
                  "select string_agg(distinct pg_get_userbyid(relowner), ',') from pg_class"
                      + " where relnamespace = 'public'::regnamespace"));
          s.execute("insert into member (email) values ('new@a.test')");
          assertEquals(
              "kept@a.test,new@a.test",
              query(s, "select string_agg(email, ',' order by email) from members"));
          s.execute("delete from member where email = 'new@a.test'");
          assertEquals("1", query(s, "select member_count()"));
          s.execute("alter table member add column extra text"); // Flyway's kind of change
          s.execute("alter table member drop column extra");
        }
      }
    }
  }

  private static Connection connect(EmbeddedDatabase db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static String show(Statement s, String setting) throws SQLException {
    return query(s, "show " + setting);
  }

  private static String query(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
