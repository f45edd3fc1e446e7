package org.fanmail.tlspolicy;

import java.util.List;
import java.util.Objects;

/**
 * The TLS policy of one candidate host for one delivery: its {@link TlsMode}, the TLSA records the
 * certificate must match under DANE, and a refusal when the host must not be used at all (an
 * MTA-STS policy in enforce mode that does not list it, a TLSA look-up that failed validation). A
 * {@code note} carries what testing mode found wrong, for the log. Immutable; two equal values
 * demand the same of a connection, so a session opened under one may serve the other.
 */
public record HostTls(TlsMode mode, List<Tlsa> tlsa, String refusal, String note) {
  public HostTls {
    tlsa = List.copyOf(tlsa);
  }

  public static HostTls of(TlsMode mode) {
    return new HostTls(mode, List.of(), null, null);
  }

  static HostTls refused(TlsMode mode, String reason) {
    return new HostTls(mode, List.of(), reason, null);
  }

  /** True when the host may be tried. */
  public boolean usable() {
    return refusal == null;
  }

  // Written out: a record's own equals and hashCode are bootstrapped through method handles on
  // first use, some 20 hidden classes spun during a cold post's first session.
  @Override
  public boolean equals(Object o) {
    return o instanceof HostTls h
        && mode == h.mode
        && tlsa.equals(h.tlsa)
        && Objects.equals(refusal, h.refusal)
        && Objects.equals(note, h.note);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, tlsa, refusal, note);
  }
}
