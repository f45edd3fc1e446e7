package org.fanmail.fanout;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The in-memory limit a test can move (enabled by {@link FanoutTestProfile}): lowered, or set
 * negative, to send small posts the set-based way, so that one post can be expanded both ways and
 * the rows compared. Starts at, and must be restored to, the production limit.
 */
@Alternative
@Singleton
class AdjustableInMemoryLimit extends InMemoryLimit {
  private volatile int candidates = CANDIDATES;

  /** Posts of more than {@code limit} candidates take the set-based path; negative: every post. */
  void set(int limit) {
    this.candidates = limit;
  }

  @Override
  int candidates() {
    return candidates;
  }
}
