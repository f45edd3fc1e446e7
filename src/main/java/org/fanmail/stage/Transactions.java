package org.fanmail.stage;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work as one JDBC transaction: autocommit off, commit when the work returns, roll back when
 * it throws (a failing rollback is attached to the work's exception as suppressed, never hides it),
 * and the connection's autocommit restored in every case, so a caller may go on using the
 * connection after the commit (as {@code DeliveryStore} closes a post in a statement of its own).
 *
 * <p>The work may roll back itself and go on (undo half-done work, keep the claim): the commit at
 * the end then commits only what followed. A work that found nothing to do needs no rollback of its
 * own: committing a transaction that changed nothing releases its locks the same way. The
 * connection is expected in autocommit mode, as the pool hands it out: on one already inside a
 * transaction the commit would take the caller's earlier work with it.
 */
public final class Transactions {
  private Transactions() {}

  /** Work in a transaction that returns nothing. */
  @FunctionalInterface
  public interface Work<E extends Exception> {
    void run(Connection c) throws SQLException, E;
  }

  /** Work in a transaction that returns a value. */
  @FunctionalInterface
  public interface Result<T, E extends Exception> {
    T run(Connection c) throws SQLException, E;
  }

  /** Runs {@code work} on {@code c} as one transaction. */
  public static <E extends Exception> void inTransaction(Connection c, Work<E> work)
      throws SQLException, E {
    fromTransaction(
        c,
        tx -> {
          work.run(tx);
          return null;
        });
  }

  /** Runs {@code work} on a connection of {@code dataSource} as one transaction. */
  public static <E extends Exception> void inTransaction(DataSource dataSource, Work<E> work)
      throws SQLException, E {
    try (Connection c = dataSource.getConnection()) {
      inTransaction(c, work);
    }
  }

  /** Runs {@code work} on {@code c} as one transaction and returns what it returned. */
  public static <T, E extends Exception> T fromTransaction(Connection c, Result<T, E> work)
      throws SQLException, E {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    Throwable failure = null;
    try {
      T value = work.run(c);
      c.commit();
      return value;
    } catch (Throwable t) {
      failure = t;
      try {
        c.rollback();
      } catch (SQLException | RuntimeException r) {
        t.addSuppressed(r);
      }
      throw t;
    } finally {
      restore(c, autoCommit, failure);
    }
  }

  /** Runs {@code work} on a connection of {@code dataSource} as one transaction. */
  public static <T, E extends Exception> T fromTransaction(DataSource dataSource, Result<T, E> work)
      throws SQLException, E {
    try (Connection c = dataSource.getConnection()) {
      return fromTransaction(c, work);
    }
  }

  /**
   * Puts autocommit back. When the work failed, a failure here (the connection is gone) is attached
   * to the work's exception instead of replacing it.
   */
  private static void restore(Connection c, boolean autoCommit, Throwable failure)
      throws SQLException {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException | RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }
}
