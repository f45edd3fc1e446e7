package org.fanmail.queue;

/**
 * The outcome so far for one recipient of one post (an element of {@code delivery.outcomes}, null
 * for PENDING; the {@code recipient} view's {@code state}), mirroring the {@code
 * delivery_outcomes_ck} check constraint ({@code StateConstraintsTest} keeps the two equal). Stored
 * and bound by {@link #name()}, read with {@link #valueOf}.
 *
 * <p>Moves: {@code PENDING} → {@code DELIVERED} (2xx) | {@code DEFERRED} (4xx, retried) | {@code
 * FAILED} (5xx, or out of retries) | {@code MOVED} (handed to a delivery row of its own domain by
 * the relay or TLS fallback, where it is PENDING again); {@code DEFERRED} → {@code DELIVERED} |
 * {@code FAILED} | {@code MOVED} (deferred again, it stays DEFERRED with a later attempt: not a
 * move). DELIVERED, FAILED and MOVED are final.
 */
public enum RecipientState {
  PENDING,
  DEFERRED,
  DELIVERED,
  FAILED,
  MOVED;

  /** Whether a row in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(RecipientState next) {
    return switch (this) {
      case PENDING -> next != PENDING;
      case DEFERRED -> next == DELIVERED || next == FAILED || next == MOVED;
      case DELIVERED, FAILED, MOVED -> false;
    };
  }

  /** Whether the recipient still waits for an attempt. */
  public boolean isOpen() {
    return this == PENDING || this == DEFERRED;
  }
}
