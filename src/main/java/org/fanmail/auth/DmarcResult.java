package org.fanmail.auth;

import java.util.Locale;

/** The DMARC results of RFC 7489 §11.2 / RFC 8601, as Authentication-Results spells them. */
public enum DmarcResult {
  NONE,
  PASS,
  FAIL,
  TEMPERROR,
  PERMERROR;

  /** The RFC 8601 result keyword. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
