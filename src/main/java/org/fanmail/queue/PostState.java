package org.fanmail.queue;

import java.util.Set;

/**
 * The state of a {@code post} row, mirroring the {@code post_state_ck} check constraint (a value
 * added here without a migration fails at insert time; {@code StateConstraintsTest} keeps the two
 * equal). Stored and bound by {@link #name()}, read with {@link #valueOf}.
 *
 * <p>Moves (ARCHITECTURE.md, "States"): {@code RECEIVED} (stored, not yet processed: requests,
 * bounces) → {@code ACCEPTED}, or ends {@code DONE} / {@code DISCARDED}; {@code ACCEPTED} → {@code
 * DELIVERING} → {@code DONE} (straight to {@code DONE} when nobody is left to deliver to); {@code
 * HELD} → {@code ACCEPTED} (approve), {@code REJECTED} or {@code DISCARDED}; a post no stage can
 * process is {@code PARKED} for a human. {@code DONE}, {@code REJECTED}, {@code DISCARDED} and
 * {@code PARKED} move nowhere.
 */
public enum PostState {
  RECEIVED,
  HELD,
  ACCEPTED,
  REJECTED,
  DISCARDED,
  DELIVERING,
  DONE,
  PARKED;

  /** Whether a row in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(PostState next) {
    return next(this).contains(next);
  }

  /** Whether nothing moves a row in this state any more. */
  public boolean isFinal() {
    return next(this).isEmpty();
  }

  private static Set<PostState> next(PostState s) {
    return switch (s) {
      case RECEIVED -> Set.of(ACCEPTED, DONE, DISCARDED, PARKED);
      case HELD -> Set.of(ACCEPTED, REJECTED, DISCARDED);
      case ACCEPTED -> Set.of(DELIVERING, DONE, PARKED);
      case DELIVERING -> Set.of(DONE, PARKED);
      case REJECTED, DISCARDED, DONE, PARKED -> Set.of();
    };
  }
}
