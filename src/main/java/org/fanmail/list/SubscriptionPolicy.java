package org.fanmail.list;

/**
 * How a join or leave request is granted: at once, after e-mail confirmation, after a moderator's
 * approval, or both. Stored by name in a text column whose check constraint lists the same values,
 * so a value added here without a migration fails at insert time.
 */
public enum SubscriptionPolicy {
  OPEN,
  CONFIRM,
  MODERATE,
  CONFIRM_THEN_MODERATE
}
