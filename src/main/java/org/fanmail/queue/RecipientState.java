package org.fanmail.queue;

/**
 * The outcome so far for one recipient of one post ({@code recipient.state}), mirroring the {@code
 * recipient_state_ck} check constraint ({@code StateConstraintsTest} keeps the two equal). Stored
 * and bound by {@link #name()}, read with {@link #valueOf}.
 *
 * <p>Moves: {@code PENDING} → {@code DELIVERED} (2xx) | {@code DEFERRED} (4xx, retried) | {@code
 * FAILED} (5xx, or out of retries); {@code DEFERRED} → {@code DELIVERED} | {@code FAILED} (deferred
 * again, it stays DEFERRED with a later attempt: not a move). DELIVERED and FAILED are final.
 */
public enum RecipientState {
  PENDING,
  DEFERRED,
  DELIVERED,
  FAILED;

  /** Whether a row in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(RecipientState next) {
    return switch (this) {
      case PENDING -> next != PENDING;
      case DEFERRED -> next == DELIVERED || next == FAILED;
      case DELIVERED, FAILED -> false;
    };
  }

  /** Whether the recipient still waits for an attempt. */
  public boolean isOpen() {
    return this == PENDING || this == DEFERRED;
  }
}
