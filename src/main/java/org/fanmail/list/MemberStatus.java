package org.fanmail.list;

/**
 * Whether a member receives mail: active, awaiting confirmation, or disabled by bounces or by an
 * owner. Stored by name in a text column whose check constraint lists the same values, so a value
 * added here without a migration fails at insert time.
 */
public enum MemberStatus {
  ACTIVE,
  PENDING,
  DISABLED_BY_BOUNCE,
  DISABLED_BY_OWNER
}
