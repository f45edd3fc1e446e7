package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every named SQL statement of fanmail, prepared by the server against the migrated schema, so that
 * a column renamed in a migration but not in a query fails the build instead of production.
 *
 * <p>The statements are found by reflection: every {@code public static final String} of every
 * class named {@code *Queries} under {@code org.fanmail} (private constants are fragments that
 * statements are built from) (compiled classes of this module), so a new {@code PostQueries} or
 * {@code MemberQueries} is covered without touching this test. Each runs as {@code PREPARE} (parse
 * and analysis: tables, columns, types) inside one transaction that is rolled back; {@code CREATE}
 * statements (the expansion's temporary tables) are executed first so that the statements that use
 * them can be checked too; {@code set} and {@code truncate}, which PREPARE does not take, are
 * executed after them.
 */
@QuarkusTest
class QueriesTest {
  @Inject AgroalDataSource dataSource;

  /** A named statement: {@code DeliveryQueries.CLAIM_DUE}. */
  record Named(String name, String sql) {}

  @Test
  void everyNamedStatementPreparesAgainstTheMigratedSchema() throws Exception {
    List<Named> statements = namedStatements();
    List<String> classes =
        statements.stream()
            .map(n -> n.name().substring(0, n.name().indexOf('.')))
            .distinct()
            .toList();
    assertTrue(
        classes.containsAll(
            List.of(
                "DeliveryQueries",
                "FanoutQueries",
                "StatusQueries",
                "ModerationQueries",
                "DigestQueries",
                "ShapingQueries",
                "AccountQueries",
                "ArchiveIndexQueries",
                "ListPageQueries")),
        "found " + classes);
    List<String> failures = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // DDL first: later statements read the temporary tables it creates.
        List<Named> ordered = new ArrayList<>(statements);
        ordered.sort(Comparator.comparing((Named n) -> order(n.sql())));
        int i = 0;
        for (Named n : ordered) {
          check(c, n.sql(), i++).ifPresent(e -> failures.add(n.name() + ": " + e));
        }
      } finally {
        c.rollback();
      }
    }
    System.out.printf("QueriesTest: %d statements of %s prepared%n", statements.size(), classes);
    assertEquals(List.of(), failures);
  }

  /** The check can fail: a statement naming a column the schema does not have is reported. */
  @Test
  void aStatementThatDoesNotMatchTheSchemaIsReported() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<String> e = check(c, "select no_such_column from post where id = ?", 0);
        assertTrue(e.isPresent() && e.get().contains("no_such_column"), String.valueOf(e));
        assertTrue(check(c, "update delivery set state = ? where id = ?", 1).isEmpty());
      } finally {
        c.rollback();
      }
    }
  }

  /** Prepares (or, for DDL, executes) {@code sql} under a savepoint; the server's error, if any. */
  private static Optional<String> check(Connection c, String sql, int n) throws SQLException {
    Savepoint sp = c.setSavepoint();
    try (Statement st = c.createStatement()) {
      if (order(sql) < 2) {
        st.execute(sql);
      } else {
        String name = "fanmail_queries_test_" + n;
        st.execute("PREPARE " + name + " AS " + numberedParameters(sql));
        st.execute("DEALLOCATE " + name);
      }
      c.releaseSavepoint(sp);
      return Optional.empty();
    } catch (SQLException e) {
      c.rollback(sp);
      return Optional.of(e.getMessage());
    }
  }

  /**
   * 0: DDL, executed first; 1: statements PREPARE does not take ({@code set}, {@code truncate}),
   * executed after it; 2: everything else, prepared.
   */
  private static int order(String sql) {
    String s = sql.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("create ")) {
      return 0;
    }
    return s.startsWith("set ") || s.startsWith("truncate ") ? 1 : 2;
  }

  /** JDBC {@code ?} placeholders to PostgreSQL's {@code $1, $2, ...}, outside quoted literals. */
  static String numberedParameters(String sql) {
    StringBuilder b = new StringBuilder(sql.length() + 8);
    boolean quoted = false;
    int n = 0;
    for (int i = 0; i < sql.length(); i++) {
      char ch = sql.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
      }
      if (ch == '?' && !quoted) {
        b.append('$').append(++n);
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  /** Every static final String of every {@code *Queries} class compiled from this module. */
  static List<Named> namedStatements() throws IOException, ReflectiveOperationException {
    Path root = Path.of("target", "classes");
    List<Named> out = new ArrayList<>();
    List<String> classNames;
    try (Stream<Path> files = Files.walk(root.resolve("org/fanmail"))) {
      classNames =
          files
              .map(p -> root.relativize(p).toString().replace('\\', '/'))
              .filter(p -> p.endsWith("Queries.class"))
              .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
              .sorted()
              .toList();
    }
    for (String className : classNames) {
      Class<?> type = Class.forName(className, true, QueriesTest.class.getClassLoader());
      for (Field f : type.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isPublic(m)
            && Modifier.isStatic(m)
            && Modifier.isFinal(m)
            && f.getType() == String.class) {
          f.setAccessible(true);
          out.add(new Named(type.getSimpleName() + "." + f.getName(), (String) f.get(null)));
        }
      }
    }
    return out;
  }
}
