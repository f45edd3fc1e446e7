package org.fanmail.list;

/**
 * Whether a member receives mail: active, awaiting confirmation, or disabled by bounces or by an
 * owner. Stored by name in a text column whose check constraint ({@code member_status_ck}) lists
 * the same values, so a value added here without a migration fails at insert time ({@code
 * StateConstraintsTest} keeps the two equal).
 *
 * <p>Moves: an owner may set any status over the admin API, so every change is legal; the stages
 * make only these: {@code PENDING} → {@code ACTIVE} (confirmed), {@code ACTIVE} → {@code
 * DISABLED_BY_BOUNCE} (bounce scoring, ACTIVE members only).
 */
public enum MemberStatus {
  ACTIVE,
  PENDING,
  DISABLED_BY_BOUNCE,
  DISABLED_BY_OWNER;

  /** Whether a member in this status may be given {@code next} (staying is not a move). */
  public boolean canMoveTo(MemberStatus next) {
    return next != this;
  }

  /** Whether fan-out sends this member mail (delivery mode aside). */
  public boolean receivesMail() {
    return this == ACTIVE;
  }
}
