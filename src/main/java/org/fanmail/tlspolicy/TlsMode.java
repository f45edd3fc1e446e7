package org.fanmail.tlspolicy;

/**
 * The TLS policy a receiving host got, as the post status and the metrics report it: {@code NONE}
 * (TLS switched off by the operator), {@code OPPORTUNISTIC} (STARTTLS when offered, any
 * certificate, plain text when the handshake fails), {@code MTA_STS} (the domain's MTA-STS policy
 * in enforce mode: TLS with a certificate valid for the MX host), {@code MTA_STS_TESTING} (the same
 * checks, failures only reported), {@code DANE} (DNSSEC-validated TLSA records the certificate must
 * match) and {@code REQUIRED} ({@code fanmail.delivery.tls=required}). Mirrors the check constraint
 * of {@code delivery.tls_policy}.
 */
public enum TlsMode {
  NONE,
  OPPORTUNISTIC,
  MTA_STS,
  MTA_STS_TESTING,
  DANE,
  REQUIRED;

  /** True when the host is not used without TLS: no STARTTLS or a failed handshake defers. */
  public boolean tlsRequired() {
    return this == MTA_STS || this == DANE || this == REQUIRED;
  }

  /** True when the certificate is checked after the handshake (and a failure reported). */
  public boolean checksCertificate() {
    return this != NONE && this != OPPORTUNISTIC;
  }
}
