package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V46 moves the recipient rows of an existing queue into their delivery rows: a database that ran
 * fanmail before it keeps every recipient, its state, reply and member, in the order the rows were
 * written, and the recipients that failed at expansion (no delivery row) get a DONE row each
 * domain. Run on a schema of its own, migrated to V41 (the last before V46), filled, then migrated
 * to the end.
 */
@QuarkusTest
class CompactRecipientsMigrationTest {
  private static final String SCHEMA = "migration_v46";

  @Inject AgroalDataSource dataSource;

  private Flyway flyway(String target) {
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(SCHEMA)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .target(target)
        .load();
  }

  @Test
  void everyRecipientRowMovesIntoItsDeliveryRow() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + SCHEMA + " cascade");
    }
    flyway("41").migrate();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("set local search_path to " + SCHEMA);
      s.execute(
          "insert into post (id, list_address, state, envelope_from, raw, size)"
              + " overriding system value values"
              + " (1, 'l@lists.test', 'DELIVERING', 'a@b.test', '\\x00', 1)");
      s.execute(
          "insert into delivery (id, post_id, destination, hosts, state) overriding system value"
              + " values (10, 1, 'mx.a.test', '{mx.a.test}', 'PENDING'),"
              + " (11, 1, 'mx.b.test', '{mx.b.test}', 'DONE')");
      s.execute(
          "insert into recipient (post_id, delivery_id, member_id, email, domain, state,"
              + " last_reply, attempts) values"
              + " (1, 10, 7, 'x@a.test', 'a.test', 'DELIVERED', '250 ok', 1),"
              + " (1, 10, 8, 'w@a.test', 'a.test', 'DEFERRED', '451 later', 3),"
              + " (1, 11, null, 'v@b.test', 'b.test', 'FAILED', '550 no', 1),"
              + " (1, null, 9, 'u@gone.test', 'gone.test', 'FAILED', '5.1.2 no such domain', 0),"
              + " (1, null, 6, 't@gone.test', 'gone.test', 'FAILED', '5.1.2 no such domain', 0)");
      c.commit();
    }

    flyway("latest").migrate();

    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("set local search_path to " + SCHEMA);
      assertEquals(
          List.of(
              "gone.test DONE {u@gone.test,t@gone.test} {9,6} {FAILED,FAILED}"
                  + " {\"5.1.2 no such domain\",\"5.1.2 no such domain\"}",
              "10 PENDING {x@a.test,w@a.test} {7,8} {DELIVERED,DEFERRED} {\"250 ok\",\"451 later\"}",
              "11 DONE {v@b.test} {0} {FAILED} {\"550 no\"}"),
          rows(
              s,
              "select case when id in (10, 11) then id::text else destination end || ' ' || state"
                  + " || ' ' || emails::text || ' ' || members::text || ' ' || outcomes::text"
                  + " || ' ' || replies::text from delivery order by destination"));
      assertEquals(
          List.of(
              "t@gone.test gone.test FAILED 6 2 0",
              "u@gone.test gone.test FAILED 9 1 0",
              "v@b.test b.test FAILED null 1 1",
              "w@a.test a.test DEFERRED 8 2 3",
              "x@a.test a.test DELIVERED 7 1 1"),
          rows(
              s,
              "select email || ' ' || domain || ' ' || state || ' ' || coalesce(member_id::text,"
                  + " 'null') || ' ' || position || ' ' || attempts from recipient where post_id = 1"
                  + " order by email"));
      c.rollback();
      s.execute("drop schema " + SCHEMA + " cascade");
      c.commit();
    }
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
