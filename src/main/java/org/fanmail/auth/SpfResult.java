package org.fanmail.auth;

import java.util.Locale;

/** The results of an SPF check (RFC 7208 §2.6), named as Authentication-Results spells them. */
public enum SpfResult {
  NONE,
  NEUTRAL,
  PASS,
  FAIL,
  SOFTFAIL,
  TEMPERROR,
  PERMERROR;

  /** The RFC 8601 result keyword: {@code pass}, {@code softfail}, … */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
