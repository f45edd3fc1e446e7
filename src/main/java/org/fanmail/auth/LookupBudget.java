package org.fanmail.auth;

import java.time.Duration;

/**
 * The time left for the DNS look-ups of one message (SPF, DKIM keys, DMARC policies together), so
 * that the reply to its DATA never waits longer than {@code fanmail.smtp.inbound-auth.dns-budget}
 * in total, however many queries the poster's records ask for. Each query gets the smaller of the
 * per-query timeout and what is left; once nothing is left, look-ups fail at once as temporary
 * errors. One instance per message; not shared between threads.
 */
public final class LookupBudget {
  private final long deadlineNanos;
  private final Duration perQuery;

  private LookupBudget(long deadlineNanos, Duration perQuery) {
    this.deadlineNanos = deadlineNanos;
    this.perQuery = perQuery;
  }

  /** A budget of {@code total} from now, each query at most {@code perQuery}. */
  public static LookupBudget of(Duration total, Duration perQuery) {
    return new LookupBudget(System.nanoTime() + total.toNanos(), perQuery);
  }

  /** What is left, never negative. */
  public Duration remaining() {
    long left = deadlineNanos - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** The timeout the next query may use; zero when the budget is spent. */
  public Duration nextQueryTimeout() {
    Duration left = remaining();
    // Below 50 ms a query cannot be answered over the network anyway: count it as spent.
    if (left.toMillis() < 50) {
      return Duration.ZERO;
    }
    return left.compareTo(perQuery) < 0 ? left : perQuery;
  }
}
