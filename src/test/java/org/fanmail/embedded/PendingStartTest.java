package org.fanmail.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database started beside the boot: a connection opened through the URL's socket
 * factory before the server runs waits for it and then gets in (instead of being refused), and a
 * failed start fails the connection with the start's reason.
 */
class PendingStartTest {
  @TempDir Path tmp;

  @AfterEach
  void nothingPending() {
    PendingStart.begin(CompletableFuture.completedFuture(null));
  }

  @Test
  void aConnectionBeforeTheServerRunsWaitsForItsStart() throws Exception {
    EmbeddedDatabase.Plan plan = EmbeddedDatabase.plan(tmp.resolve("pg"), 0);
    CompletableFuture<Void> started = new CompletableFuture<>();
    PendingStart.begin(started);
    CompletableFuture<Integer> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection c = connect(plan);
                  Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("select 41 + 1")) {
                rs.next();
                return rs.getInt(1);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    // Asked for its answer with a deadline: it must still be waiting then (nothing listens yet).
    assertThrows(
        TimeoutException.class,
        () -> answer.get(500, TimeUnit.MILLISECONDS),
        "the connection waits while nothing listens on the port");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(plan)) {
      assertEquals(plan.port(), db.port());
      started.complete(null);
      assertEquals(42, answer.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void aFailedStartFailsTheConnectionWithItsReason() {
    EmbeddedDatabase.Plan plan = EmbeddedDatabase.plan(tmp.resolve("pg"), 0);
    PendingStart.begin(CompletableFuture.failedFuture(new IllegalStateException("disk full")));
    SQLException e = assertThrows(SQLException.class, () -> connect(plan).close());
    boolean named = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      named |= String.valueOf(t.getMessage()).contains("disk full");
    }
    assertTrue(named, "the start's reason is in the failure");
  }

  private static Connection connect(EmbeddedDatabase.Plan plan) throws SQLException {
    return DriverManager.getConnection(
        plan.jdbcUrl() + "?socketFactory=" + AwaitingSocketFactory.class.getName(),
        plan.user(),
        plan.password());
  }
}
