package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.fanmail.mail.RowsAdded;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Keeps the planner's picture of the busy tables in step with their size.
 *
 * <p>Every statement fanmail runs often is a server-side prepared statement (the JDBC driver
 * prepares it from its fifth execution), and PostgreSQL keeps a prepared statement's generic plan
 * until the statistics of a table it reads change. A plan made while {@code post} held a page or
 * two (a fresh database, the first posts after a fan-out) reads it sequentially, which is the
 * cheapest way then; when the table grows by thousands of rows before autovacuum's next round (it
 * looks once a minute), every execution of that plan reads the whole table. Measured in the ingest
 * profile: the statement that records an attempt read 436 blocks a call instead of 46, and
 * PostgreSQL used 2.4–2.6 ms of CPU per post instead of about 1.5.
 *
 * <p>So at every scan interval this asks PostgreSQL which of those tables have more than twice the
 * pages, and at least 64 more, than their statistics were taken on, and analyzes them: new
 * statistics invalidate the cached plans, and the next execution plans for the table as it is. Only
 * while the statistics describe a small table (under {@value #SMALL_PAGES} pages, 8 MB): a plan
 * made for a table that size already reads it through its indexes, and analyzing a large table
 * while a fan-out writes a hundred thousand rows into it would only cost CPU. Autovacuum stays in
 * charge of everything else (it analyzes after a tenth of a table has changed); this catches only
 * growth faster than its rounds. A bulk write that added rows ({@link RowsAdded}: a member import)
 * asks for the same check at once, after its commit, so that it pays for the analyze instead of the
 * first post after it. One instance at a time (a transaction-level advisory lock; the others skip
 * that round), and it waits at most two seconds for a table lock (autovacuum may be at work on the
 * table; the next round tries again). A table it cannot analyze (the database user does not own it)
 * is reported once and left to autovacuum.
 */
@ApplicationScoped
public class TableStatistics {
  private static final Logger LOG = Logger.getLogger(TableStatistics.class);

  /** The tables whose size moves fast: the queue and the members. */
  static final List<String> TABLES = List.of("post", "delivery", "member");

  private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

  /** Statistics of a table at least this large are left to autovacuum. */
  static final int SMALL_PAGES = 1024;

  /**
   * The tables (parameter: names) that have more than twice the pages, and at least 64 more, than
   * {@code pg_class.relpages} says (set by the last ANALYZE or VACUUM; 0 before the first), while
   * that figure is under {@link #SMALL_PAGES}; with that figure.
   */
  private static final String OUTGROWN =
      "select t.name, c.relpages from unnest(?::text[]) as t(name)"
          + " join pg_class c on c.oid = to_regclass(t.name)"
          + " where c.relpages < "
          + SMALL_PAGES
          + " and pg_relation_size(c.oid) / current_setting('block_size')::integer"
          + " >= 2 * c.relpages + 64";

  /**
   * One instance analyzes at a time: a transaction-level advisory lock in the two-key space
   * (distinct from the one-key space that holds post ids).
   */
  private static final String TRY_LOCK =
      "select pg_try_advisory_xact_lock(hashtext('fanmail.statistics'), 0)";

  private final AgroalDataSource dataSource;
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  public TableStatistics(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    try {
      List<String> analyzed = refresh(TABLES);
      if (!analyzed.isEmpty()) {
        LOG.debugf("analyzed %s: grown past their statistics", analyzed);
      }
    } catch (SQLException e) {
      LOG.debugf(e, "table statistics check failed; retried at the next scan");
    }
  }

  /**
   * A bulk write added rows ({@link RowsAdded}, fired after its commit on the writer's thread): the
   * table is analyzed now if it outgrew its statistics, so that the writer pays for it rather than
   * the first posts after it. Only the tables of {@link #TABLES}; never throws (the scan tries
   * again).
   */
  void onRowsAdded(@Observes RowsAdded added) {
    if (!TABLES.contains(added.table())) {
      return;
    }
    try {
      List<String> analyzed = refresh(List.of(added.table()));
      if (!analyzed.isEmpty()) {
        LOG.debugf("analyzed %s after %d rows were added", analyzed, added.rows());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debugf(e, "table statistics check after a bulk write failed; retried at the next scan");
    }
  }

  /**
   * Analyzes those of {@code tables} that have outgrown their statistics (see the class comment).
   *
   * @return the tables analyzed; empty when none needed it or another instance holds the turn
   */
  public List<String> refresh(List<String> tables) throws SQLException {
    List<String> names = new ArrayList<>();
    for (String t : tables) {
      if (!TABLE_NAME.matcher(t).matches()) {
        throw new IllegalArgumentException("not a plain table name: " + t);
      }
      if (!refused.contains(t)) {
        names.add(t);
      }
    }
    if (names.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      Map<String, Integer> outgrown = outgrown(c, names);
      if (outgrown.isEmpty()) {
        return List.of();
      }
      boolean ourTurn =
          Transactions.fromTransaction(
              c,
              tx -> {
                try (Statement s = tx.createStatement()) {
                  try (ResultSet lock = s.executeQuery(TRY_LOCK)) {
                    if (!lock.next() || !lock.getBoolean(1)) {
                      return false;
                    }
                  }
                  s.execute("set local lock_timeout = '2s'");
                  for (String table : outgrown.keySet()) {
                    s.execute("analyze " + table);
                  }
                  return true;
                }
              });
      if (!ourTurn) {
        return List.of();
      }
      Map<String, Integer> still = outgrown(c, List.copyOf(outgrown.keySet()));
      for (Map.Entry<String, Integer> e : still.entrySet()) {
        if (e.getValue().equals(outgrown.get(e.getKey())) && refused.add(e.getKey())) {
          LOG.warnf(
              "could not analyze table %s (is the database user its owner?); its plans follow"
                  + " autovacuum's statistics",
              e.getKey());
        }
      }
      return List.copyOf(outgrown.keySet());
    }
  }

  private static Map<String, Integer> outgrown(Connection c, List<String> names)
      throws SQLException {
    Map<String, Integer> found = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(OUTGROWN)) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return found;
  }
}
