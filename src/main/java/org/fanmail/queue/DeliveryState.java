package org.fanmail.queue;

/**
 * The state of a {@code delivery} row (one SMTP transaction's worth of recipients of one post),
 * mirroring the {@code delivery_state_ck} check constraint ({@code StateConstraintsTest} keeps the
 * two equal). Stored and bound by {@link #name()}, read with {@link #valueOf}.
 *
 * <p>Moves: {@code PENDING} (due at {@code next_attempt_at}, leased while sent) → {@code DONE} once
 * none of its recipients is PENDING or DEFERRED, or {@code PARKED} for a human; both are final.
 */
public enum DeliveryState {
  PENDING,
  DONE,
  PARKED;

  /** Whether a row in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(DeliveryState next) {
    return this == PENDING && next != PENDING;
  }
}
