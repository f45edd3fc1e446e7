package org.fanmail.tlspolicy;

import java.util.HexFormat;
import java.util.Locale;

/**
 * One TLSA record (RFC 6698) as DANE for SMTP uses it: certificate usage, selector, matching type
 * and the association data in lowercase hex (a string, so that two policies with the same records
 * are equal). Only DANE-TA(2) and DANE-EE(3) with selector 0 or 1 and matching 0, 1 or 2 are usable
 * for SMTP (RFC 7672 section 3.1); the others are ignored.
 */
public record Tlsa(int usage, int selector, int matching, String data) {
  public Tlsa {
    data = data.toLowerCase(Locale.ROOT);
  }

  static Tlsa of(int usage, int selector, int matching, byte[] data) {
    return new Tlsa(usage, selector, matching, HexFormat.of().formatHex(data));
  }

  /** Whether RFC 7672 lets an SMTP client use this record. */
  public boolean usable() {
    return (usage == 2 || usage == 3)
        && (selector == 0 || selector == 1)
        && (matching >= 0 && matching <= 2);
  }

  byte[] bytes() {
    return HexFormat.of().parseHex(data);
  }
}
