package org.fanmail.embedded;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL's start while it runs beside Quarkus's boot: {@code FanmailMain} begins
 * it before {@code Quarkus.run} and completes it here; whatever connects first ({@link
 * AwaitingSocketFactory} for every JDBC connection to the embedded URL, {@link FlywayAfterStart}
 * before the migration) waits for it. With an external database nothing is pending and nothing
 * waits. A failed start fails every wait with its cause, so the boot stops at its first connection
 * with the reason instead of a refused connection.
 */
public final class PendingStart {
  /**
   * Longer than a start may take: zonky waits 60 s for the server, and a leftover server gets 30 s
   * to stop before it.
   */
  static final long WAIT_SECONDS = 120;

  private static volatile CompletableFuture<Void> started = CompletableFuture.completedFuture(null);

  private PendingStart() {}

  /** Marks a start as running; {@code done} completes when the database takes connections. */
  public static void begin(CompletableFuture<Void> done) {
    started = done;
  }

  /** Returns once the embedded database takes connections (at once when nothing is pending). */
  public static void await() throws IOException {
    CompletableFuture<Void> current = started;
    if (current.isDone() && !current.isCompletedExceptionally()) {
      return;
    }
    try {
      current.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the embedded PostgreSQL to start", e);
    } catch (ExecutionException e) {
      throw new IOException("the embedded PostgreSQL did not start", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "the embedded PostgreSQL did not start within " + WAIT_SECONDS + " s", e);
    }
  }
}
