package org.fanmail.list;

/**
 * A member's standing on a list; owners and moderators may post to ANNOUNCE lists and moderate.
 * Stored by name in a text column whose check constraint lists the same values, so a value added
 * here without a migration fails at insert time.
 */
public enum MemberRole {
  MEMBER,
  MODERATOR,
  OWNER
}
