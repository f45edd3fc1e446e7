package org.fanmail.queue;

/**
 * What a {@code post} row is for, mirroring the {@code post_purpose_ck} check constraint ({@code
 * StateConstraintsTest} keeps the two equal): which list address it came to, or {@link #SYSTEM} for
 * mail fanmail writes itself. Stored and bound by {@link #name()}, read with {@link #valueOf}. A
 * purpose never changes, so it has no moves.
 */
public enum PostPurpose {
  /** To the list's posting address: the posting chain decides, fan-out delivers. */
  POST,
  /** To {@code list-request}: commands in the body. */
  REQUEST,
  /** To {@code list-join}. */
  JOIN,
  /** To {@code list-leave}. */
  LEAVE,
  /** To {@code list-owner}: forwarded to the owners. */
  OWNER,
  /** To {@code list-bounces} (VERP or not): the bounce stage reads it. */
  BOUNCES,
  /** To {@code list-confirm+TOKEN}: a confirmation by reply. */
  CONFIRM,
  /** Notices and replies fanmail queues itself, with named recipients. */
  SYSTEM,
  /**
   * One form of a digest issue, written by the digest assembler ACCEPTED, expanded to the members
   * fixed for it in {@code digest_member}, decorated like a post but without the subject prefix.
   */
  DIGEST,
  /**
   * A message imported into a list's archive from an mbox: written DONE, never expanded, never in a
   * digest; read by the archive pages and the mbox export like a delivered post.
   */
  ARCHIVED
}
