package org.fanmail.list;

/**
 * What a MEMBERS list does with a post from a non-member. Stored by name in a text column whose
 * check constraint lists the same values, so a value added here without a migration fails at insert
 * time.
 */
public enum NonMemberAction {
  HOLD,
  REJECT
}
