package org.fanmail.list;

/**
 * Who may post to a list: anyone, members only, everyone moderated, or owners and moderators only.
 * Stored by name in a text column whose check constraint lists the same values, so a value added
 * here without a migration fails at insert time.
 */
public enum PostingPolicy {
  OPEN,
  MEMBERS,
  MODERATED,
  ANNOUNCE
}
