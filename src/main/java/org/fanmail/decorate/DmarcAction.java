package org.fanmail.decorate;

/**
 * What decoration does to a post for DMARC, decided once per post at expansion and stored on the
 * post ({@code post.dmarc_action}): the same names as the list setting {@code dmarcMitigation}.
 */
public enum DmarcAction {
  /** The poster's From stays; only the list handlers run. */
  NONE,
  /** {@link FromMunger}: From becomes the list, the author moves to Reply-To or Cc. */
  MUNGE_FROM,
  /** {@link MessageWrapper}: the post travels as a {@code message/rfc822} attachment. */
  WRAP;

  /** The stored name as an action; null (not decided) and unknown names are {@link #NONE}. */
  public static DmarcAction of(String stored) {
    if (stored == null) {
      return NONE;
    }
    for (DmarcAction a : values()) {
      if (a.name().equals(stored)) {
        return a;
      }
    }
    return NONE;
  }
}
