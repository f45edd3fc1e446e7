package org.fanmail.list;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * How a member receives posts: every post on its own, a digest (MIME or RFC 1153 plain text), or
 * nothing (still a member, e.g. to post). A member in a digest mode never gets an individual copy
 * of a post that goes into a digest. Stored by name in a text column whose check constraint lists
 * the same values ({@code StateConstraintsTest}), so a value added here without a migration fails
 * at insert time. {@code DIGEST}, the one digest mode of earlier versions, is read as {@link
 * #DIGEST_MIME} (JSON input, imports, and V20 moved the stored rows).
 */
public enum DeliveryMode {
  REGULAR,
  @JsonAlias("DIGEST")
  DIGEST_MIME,
  DIGEST_PLAIN,
  NOMAIL;

  /** Whether posts reach this member through digests. */
  public boolean digest() {
    return this == DIGEST_MIME || this == DIGEST_PLAIN;
  }

  /**
   * The mode named by {@code text} (any case; {@code DIGEST} is {@link #DIGEST_MIME}), or null when
   * it names none: for imports and other text input that is not read through Jackson.
   */
  public static DeliveryMode parse(String text) {
    String t = text.strip().toUpperCase(java.util.Locale.ROOT);
    if (t.equals("DIGEST")) {
      return DIGEST_MIME;
    }
    for (DeliveryMode m : values()) {
      if (m.name().equals(t)) {
        return m;
      }
    }
    return null;
  }
}
