package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fanmail.mail.RowsAdded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A prepared statement's cached plan, made while its table was small, reads the whole table once it
 * has grown; {@link TableStatistics} analyzes a table that has outgrown its statistics, and the
 * next execution uses the index. Shown on a table of the test's own, with the plan cache set to
 * generic plans (what the server chooses for fanmail's statements once they have run a few times),
 * and autovacuum kept off it so that only the analyze under test replaces the plan.
 */
@QuarkusTest
class TableStatisticsTest {
  private static final String TABLE = "statistics_probe";

  @Inject AgroalDataSource dataSource;
  @Inject TableStatistics statistics;

  @BeforeEach
  void create() throws SQLException {
    sql("drop table if exists " + TABLE);
    // Autovacuum off for this table: its own analyze, should it come round between the growth and
    // the check, would replace the cached plan before TableStatistics has had its turn.
    sql(
        "create table "
            + TABLE
            + " (id bigint primary key, pad text not null) with (autovacuum_enabled = off)");
    sql("insert into " + TABLE + " select g, 'x' from generate_series(1, 10) g");
    sql("analyze " + TABLE);
  }

  @AfterEach
  void drop() throws SQLException {
    sql("drop table if exists " + TABLE);
  }

  @Test
  void aTableThatOutgrewItsStatisticsIsAnalyzedAndItsCachedPlanReplaced() throws SQLException {
    withCachedPlanThenGrowth(
        s -> assertEquals(List.of(), statistics.refresh(List.of(TABLE)), "not grown yet"),
        s -> {
          assertTrue(plan(s).contains("Seq Scan"), "the cached plan outlives the growth");
          assertEquals(List.of(TABLE), statistics.refresh(List.of(TABLE)));
          String after = plan(s);
          assertTrue(after.contains("Index Scan") && !after.contains("Seq Scan"), after);
          assertEquals(List.of(), statistics.refresh(List.of(TABLE)), "statistics now fit");
        });
  }

  private interface PlanCheck {
    void check(Statement s) throws SQLException;
  }

  /**
   * A statement of the test's table prepared with generic plans and planned once while the table is
   * one page (a sequential scan), {@code before}, the table grown to 20,000 rows, {@code after}.
   */
  private void withCachedPlanThenGrowth(PlanCheck before, PlanCheck after) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("set plan_cache_mode = force_generic_plan");
      s.execute("prepare probe(bigint) as select pad from " + TABLE + " where id = $1");
      try {
        assertTrue(plan(s).contains("Seq Scan"), "a one-page table is read sequentially");
        before.check(s);
        sql(
            "insert into "
                + TABLE
                + " select g, repeat('x', 100) from generate_series(11, 20000) g");
        after.check(s);
      } finally {
        s.execute("deallocate probe");
        s.execute("reset plan_cache_mode");
      }
    }
  }

  @Test
  void aTableWhoseStatisticsAreOfALargeTableIsLeftToAutovacuum() throws SQLException {
    sql("insert into " + TABLE + " select g, repeat('x', 100) from generate_series(11, 150000) g");
    sql("analyze " + TABLE);
    assertTrue(pages() >= TableStatistics.SMALL_PAGES, "statistics of " + pages() + " pages");
    sql(
        "insert into "
            + TABLE
            + " select g, repeat('x', 100) from generate_series(150001, 500000) g");
    assertEquals(List.of(), statistics.refresh(List.of(TABLE)), "more than doubled, but large");
  }

  /**
   * V47: the recipient arrays of a delivery row are read by position, never filtered on, so ANALYZE
   * (autovacuum's or this class's) builds no statistics for them: building them detoasted every
   * sampled array (3 s for 30,000 rows of 100 recipients). The columns statements do filter on keep
   * theirs.
   */
  @Test
  void theRecipientArraysOfDeliveryAreNotAnalyzedItsOtherColumnsAre() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select attname, coalesce(attstattarget::integer, -1) from pg_attribute"
                    + " where attrelid = 'delivery'::regclass and attnum > 0"
                    + " and not attisdropped order by attname")) {
      Map<String, Integer> target = new TreeMap<>();
      while (rs.next()) {
        target.put(rs.getString(1), rs.getInt(2));
      }
      for (String array : List.of("emails", "members", "outcomes", "replies", "tries")) {
        assertEquals(0, target.get(array), array);
      }
      for (String filtered : List.of("post_id", "state", "next_attempt_at", "lease_owner")) {
        assertEquals(-1, target.get(filtered), filtered + " keeps the default target");
      }
    }
  }

  /**
   * A bulk write's {@link RowsAdded} refreshes only the busy tables this class looks after: the
   * test's own table, grown past its statistics, keeps its cached plan until the check is asked for
   * it by name. An event for a busy table never throws into the writer.
   */
  @Test
  void aBulkWriteOfAnotherTableAnalyzesNothing() throws SQLException {
    withCachedPlanThenGrowth(
        s -> {},
        s -> {
          statistics.onRowsAdded(new RowsAdded(TABLE, 19_990));
          assertTrue(plan(s).contains("Seq Scan"), "not one of the busy tables: left alone");
          statistics.onRowsAdded(new RowsAdded("member", 1));
          assertEquals(List.of(TABLE), statistics.refresh(List.of(TABLE)), "still outgrown");
        });
  }

  @Test
  void aNameThatIsNotAPlainTableNameIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> statistics.refresh(List.of("post; drop table x")));
  }

  @Test
  void aMissingTableIsNoWork() throws SQLException {
    assertEquals(List.of(), statistics.refresh(List.of("no_such_table")));
  }

  private long pages() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select relpages from pg_class where relname = '" + TABLE + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String plan(Statement s) throws SQLException {
    StringBuilder b = new StringBuilder();
    try (ResultSet rs = s.executeQuery("explain execute probe(5)")) {
      while (rs.next()) {
        b.append(rs.getString(1)).append('\n');
      }
    }
    return b.toString();
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
