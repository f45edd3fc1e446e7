package org.fanmail.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * A member belongs to an existing list, always the same one, and goes when its list goes: the rules
 * of the foreign key that migration V17 replaced with statement-level triggers (one check per
 * statement instead of one query per inserted row).
 */
@QuarkusTest
class MemberListIntegrityTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void aMemberOfAListThatDoesNotExistIsRefusedWithTheKeysNameAndNothingIsWritten()
      throws Exception {
    long list = list("integrity-a");
    PSQLException e =
        assertThrows(
            PSQLException.class,
            () ->
                sql(
                    "insert into member (list_id, email, domain) values"
                        + " ("
                        + list
                        + ", 'ok@x.test', 'x.test'), (-42, 'bad@x.test', 'x.test')"));
    assertEquals("23503", e.getSQLState());
    assertEquals("member_list_fk", e.getServerErrorMessage().getConstraint());
    assertTrue(e.getMessage().contains("list -42 does not exist"), e.getMessage());
    assertEquals(0, count("select count(*) from member where email = 'ok@x.test'"));
  }

  @Test
  void aMemberCannotMoveToAnotherList() throws Exception {
    long a = list("integrity-b");
    long b = list("integrity-c");
    sql("insert into member (list_id, email, domain) values (" + a + ", 'mv@x.test', 'x.test')");
    PSQLException e =
        assertThrows(
            PSQLException.class,
            () -> sql("update member set list_id = " + b + " where email = 'mv@x.test'"));
    assertEquals("member_list_fk", e.getServerErrorMessage().getConstraint());
    sql("update member set name = 'renamed' where email = 'mv@x.test'");
  }

  @Test
  void deletingListsDeletesTheirMembersAndWhatHangsOnThem() throws Exception {
    long a = list("integrity-d");
    long b = list("integrity-e");
    long keep = list("integrity-f");
    for (long l : new long[] {a, b, keep}) {
      sql(
          "insert into member (list_id, email, domain) select "
              + l
              + ", 'm' || g || '@del.test', 'del.test' from generate_series(1, 3) g");
    }
    sql(
        "insert into bounce_event (list_id, member_id, email, domain, source, outcome, score_after)"
            + " select list_id, id, email, domain, 'SMTP', 'SCORED', 1 from member where list_id = "
            + a);
    sql("delete from mailing_list where id in (" + a + ", " + b + ")");
    assertEquals(0, count("select count(*) from member where list_id in (" + a + ", " + b + ")"));
    assertEquals(0, count("select count(*) from bounce_event where list_id = " + a));
    assertEquals(3, count("select count(*) from member where list_id = " + keep));
  }

  @Test
  void aListDeletedWhileMembersAreBeingAddedTakesThemAlong() throws Exception {
    long list = list("integrity-g");
    try (Connection adding = dataSource.getConnection()) {
      adding.setAutoCommit(false);
      try (Statement s = adding.createStatement()) {
        s.execute(
            "insert into member (list_id, email, domain) values ("
                + list
                + ", 'late@x.test', 'x.test')");
      }
      // The insert holds the list FOR KEY SHARE: the delete waits for its commit, then takes
      // the new member along.
      CompletableFuture<Void> delete =
          CompletableFuture.runAsync(
              () -> {
                try {
                  sql("delete from mailing_list where id = " + list);
                } catch (SQLException e) {
                  throw new RuntimeException(e);
                }
              });
      assertTrue(
          Await.until(
              Duration.ofSeconds(10),
              () ->
                  countUnchecked(
                          "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                              + " and query like 'delete from mailing_list where id = "
                              + list
                              + "'")
                      == 1),
          "the delete waits on the list's lock");
      assertTrue(!delete.isDone(), "the delete waits for the adding transaction");
      adding.commit();
      delete.get(10, TimeUnit.SECONDS);
    }
    assertEquals(0, count("select count(*) from member where email = 'late@x.test'"));
  }

  private long list(String local) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into mailing_list (address, local_part, domain, name)"
                    + " values (?, ?, 'lists.test', 'L') returning id")) {
      ps.setString(1, local + "@lists.test");
      ps.setString(2, local);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private long countUnchecked(String query) {
    try {
      return count(query);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String query) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
