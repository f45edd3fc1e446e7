package org.fanmail.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling, the one way tests wait for something another thread or process does: every wait
 * has a deadline, nothing sleeps a fixed time hoping it is enough, and a wait that fails says what
 * it waited for and the last thing it saw.
 */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(20);

  private Await() {}

  /** Polls {@code condition} until it holds (true) or {@code timeout} passes (false). */
  public static boolean until(Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }

  /**
   * Reads {@code read} until {@code done} accepts its value and returns that value; past {@code
   * timeout} fails with {@code what} and the last value read (a read that throws counts as not
   * done, and its exception is what was seen).
   */
  public static <T> T value(
      Duration timeout, Supplier<String> what, Callable<T> read, Predicate<? super T> done) {
    Object[] seen = {null};
    boolean reached =
        until(
            timeout,
            () -> {
              try {
                T v = read.call();
                seen[0] = v;
                return done.test(v);
              } catch (Exception e) {
                seen[0] = e;
                return false;
              }
            });
    if (!reached) {
      throw new AssertionError(
          what.get() + " (waited " + timeout + ", last seen: " + seen[0] + ")");
    }
    @SuppressWarnings("unchecked")
    T v = (T) seen[0];
    return v;
  }
}
