package org.fanmail.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.fanmail.testing.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Transactions} against the real test PostgreSQL: what the work wrote is seen by another
 * session only after a commit, nothing of it after a failure, and the connection is back in
 * autocommit either way.
 */
class TransactionsTest {
  private static final String TABLE = "transactions_test_row";

  private Connection c;
  private Connection other;

  @BeforeEach
  void connect() throws SQLException {
    c = open();
    other = open();
    try (Statement s = c.createStatement()) {
      s.execute("drop table if exists " + TABLE);
      s.execute("create table " + TABLE + " (id int primary key)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    try (Statement s = other.createStatement()) {
      s.execute("drop table if exists " + TABLE);
    }
    c.close();
    other.close();
  }

  private static Connection open() throws SQLException {
    Map<String, String> pg = PostgresTestResource.connection();
    return DriverManager.getConnection(pg.get("url"), pg.get("user"), pg.get("password"));
  }

  @Test
  void commitsWhatTheWorkWroteAndRestoresAutocommit() throws SQLException {
    int value =
        Transactions.fromTransaction(
            c,
            tx -> {
              assertFalse(tx.getAutoCommit(), "the work runs in a transaction");
              insert(tx, 1);
              assertEquals(0, rows(other), "not visible before the commit");
              return 42;
            });
    assertEquals(42, value);
    assertEquals(1, rows(other));
    assertTrue(c.getAutoCommit());
  }

  @Test
  void rollsBackWhenTheWorkThrowsAndRethrowsItsException() throws SQLException {
    IOException thrown = new IOException("the import's input broke");
    IOException caught =
        assertThrows(
            IOException.class,
            () ->
                Transactions.inTransaction(
                    c,
                    tx -> {
                      insert(tx, 1);
                      throw thrown;
                    }));
    assertSame(thrown, caught);
    assertEquals(0, caught.getSuppressed().length);
    assertEquals(0, rows(other));
    assertTrue(c.getAutoCommit());
    // The connection is usable afterwards, in autocommit: this insert is seen at once.
    insert(c, 2);
    assertEquals(1, rows(other));
  }

  @Test
  void rollsBackOnAnSqlErrorOfTheWork() throws SQLException {
    SQLException caught =
        assertThrows(
            SQLException.class,
            () ->
                Transactions.inTransaction(
                    c,
                    tx -> {
                      insert(tx, 1);
                      insert(tx, 1); // duplicate key
                    }));
    assertEquals("23505", caught.getSQLState());
    assertEquals(0, rows(other));
    assertTrue(c.getAutoCommit());
  }

  @Test
  void aWorkMayRollBackItselfAndGoOn() throws SQLException {
    Transactions.inTransaction(
        c,
        tx -> {
          insert(tx, 1);
          tx.rollback();
          insert(tx, 2);
        });
    try (Statement s = other.createStatement();
        ResultSet rs = s.executeQuery("select id from " + TABLE)) {
      assertTrue(rs.next());
      assertEquals(2, rs.getInt(1));
      assertFalse(rs.next());
    }
  }

  @Test
  void aFailingRollbackIsAttachedToTheWorksException() {
    IllegalStateException thrown = new IllegalStateException("the work failed");
    IllegalStateException caught =
        assertThrows(
            IllegalStateException.class,
            () ->
                Transactions.inTransaction(
                    c,
                    tx -> {
                      insert(tx, 1);
                      tx.close(); // the connection is gone: rollback and restore fail
                      throw thrown;
                    }));
    assertSame(thrown, caught);
    assertTrue(caught.getSuppressed().length >= 1, "the rollback's failure is attached");
    assertTrue(caught.getSuppressed()[0] instanceof SQLException);
  }

  @Test
  void theDataSourceFormOpensAndClosesItsConnection() throws SQLException {
    Connection[] used = new Connection[1];
    javax.sql.DataSource ds = new SingleConnection(open());
    Transactions.inTransaction(
        ds,
        tx -> {
          used[0] = tx;
          insert(tx, 7);
        });
    assertTrue(used[0].isClosed());
    assertEquals(1, rows(other));
  }

  private static void insert(Connection c, int id) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("insert into " + TABLE + " values (" + id + ")");
    }
  }

  private static int rows(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from " + TABLE)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A data source that hands out one real connection. */
  private record SingleConnection(Connection c) implements javax.sql.DataSource {
    @Override
    public Connection getConnection() {
      return c;
    }

    @Override
    public Connection getConnection(String user, String password) {
      return c;
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
