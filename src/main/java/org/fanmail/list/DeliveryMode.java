package org.fanmail.list;

/**
 * How a member receives posts: every post, a digest, or nothing (still a member, e.g. to post).
 * Stored by name in a text column whose check constraint lists the same values, so a value added
 * here without a migration fails at insert time.
 */
public enum DeliveryMode {
  REGULAR,
  DIGEST,
  NOMAIL
}
