package org.fanmail.smtp;

import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import org.fanmail.config.SmtpConfig;

/**
 * The client's deadline on one connection: a command must be complete within {@code idle-timeout}
 * of the last complete command, reply or chunk (a line trickled in a byte at a time does not extend
 * it), and message octets buy one second per {@code min-data-rate} octets on top. One Vert.x timer
 * at a time, re-armed for exactly the time left; it never fires while the session waits for its own
 * work (the database), only while it waits for the client.
 *
 * <p>Runs on the session's event-loop context only, like the session itself; {@link #cancel()} on
 * close releases the timer.
 */
final class SessionDeadline {
  private final Vertx vertx;
  private final SmtpConfig config;
  private final BooleanSupplier closing;
  private final BooleanSupplier busy;
  private final Runnable timedOut;

  /** Start of the current wait for the client: the last complete command, reply or chunk. */
  private long lastActivity = System.nanoTime();

  /** Message octets received since {@link #lastActivity}: each buys time at min-data-rate. */
  private long dataBytes;

  private long timer = -1;

  /**
   * {@code closing}: the session is closing (the deadline no longer matters); {@code busy}: the
   * session waits for its own work, not for the client; {@code timedOut}: says 421 and closes.
   */
  SessionDeadline(
      Vertx vertx,
      SmtpConfig config,
      BooleanSupplier closing,
      BooleanSupplier busy,
      Runnable timedOut) {
    this.vertx = vertx;
    this.config = config;
    this.closing = closing;
    this.busy = busy;
    this.timedOut = timedOut;
  }

  /** Starts the first wait (the greeting was written). */
  void start() {
    arm(config.idleTimeout().toMillis());
  }

  /** A complete command (or the end of work for one): the client's next deadline starts now. */
  void activity() {
    lastActivity = System.nanoTime();
    dataBytes = 0;
  }

  /** Message octets arrived: each extends the deadline at min-data-rate. */
  void data(int octets) {
    dataBytes += octets;
  }

  void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void arm(long delayMillis) {
    timer = vertx.setTimer(Math.max(1, delayMillis), t -> expired());
  }

  private void expired() {
    if (closing.getAsBoolean()) {
      return;
    }
    long limit = config.idleTimeout().toNanos() + dataBytes * 1_000_000_000L / config.minDataRate();
    long idle = System.nanoTime() - lastActivity;
    if (busy.getAsBoolean()) {
      arm(config.idleTimeout().toMillis());
    } else if (idle >= limit) {
      timedOut.run();
    } else {
      arm((limit - idle) / 1_000_000L + 1);
    }
  }
}
