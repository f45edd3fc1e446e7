package org.fanmail.request;

/**
 * The state of a {@code subscription_request} row, mirroring the {@code
 * subscription_request_state_ck} check constraint ({@code StateConstraintsTest} keeps the two
 * equal). Stored and bound by {@link #name()}, read with {@link #valueOf}.
 *
 * <p>Moves: {@code CONFIRMING} (token sent, until {@code expires_at}) → {@code MODERATING} (an
 * owner must approve) | {@code DONE} | {@code REJECTED} | {@code EXPIRED} | {@code SUPERSEDED} (a
 * newer request for the same address and action); {@code MODERATING} → {@code DONE} | {@code
 * REJECTED} | {@code SUPERSEDED}. A request that needs nothing is stored {@code DONE}; the other
 * four states are final.
 */
public enum SubscriptionRequestState {
  CONFIRMING,
  MODERATING,
  DONE,
  REJECTED,
  EXPIRED,
  SUPERSEDED;

  /** Whether a row in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(SubscriptionRequestState next) {
    return switch (this) {
      case CONFIRMING -> next != CONFIRMING;
      case MODERATING -> next == DONE || next == REJECTED || next == SUPERSEDED;
      case DONE, REJECTED, EXPIRED, SUPERSEDED -> false;
    };
  }

  /** Whether the request still waits for someone (the confirmation or an owner). */
  public boolean isOpen() {
    return this == CONFIRMING || this == MODERATING;
  }
}
