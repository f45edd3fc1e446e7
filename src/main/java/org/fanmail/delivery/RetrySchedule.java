package org.fanmail.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a deferred delivery is tried again: {@code schedule[attempts]}, the last step repeating, and
 * whether a recipient has been tried long enough ({@code max-age} since the post was received).
 * Pure.
 */
public record RetrySchedule(List<Duration> steps, Duration maxAge) {
  public RetrySchedule {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("retry schedule is empty");
    }
    steps = List.copyOf(steps);
  }

  /** The delay after the attempt numbered {@code attemptsBefore} (0 for the first attempt). */
  public Duration delayAfter(int attemptsBefore) {
    return steps.get(Math.min(Math.max(0, attemptsBefore), steps.size() - 1));
  }

  /** True when a recipient of a post received at {@code receivedAt} should stop being retried. */
  public boolean expired(Instant receivedAt, Instant now) {
    return !now.isBefore(receivedAt.plus(maxAge));
  }
}
