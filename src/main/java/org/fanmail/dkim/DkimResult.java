package org.fanmail.dkim;

/**
 * One DKIM-Signature's outcome, in the result words of RFC 8601 ({@code dkim=pass}, …), with the
 * signing domain and selector as the signature named them (empty when the signature did not say)
 * and a short reason for anything but a pass (empty on a pass). Safe to log and to put in an {@code
 * Authentication-Results} comment: it never carries key material.
 */
public record DkimResult(String domain, String selector, Status status, String reason) {

  /** RFC 8601 §2.7.1 result words a verifier can give one signature. */
  public enum Status {
    PASS,
    FAIL,
    NEUTRAL,
    TEMPERROR,
    PERMERROR
  }

  public DkimResult {
    domain = domain == null ? "" : domain;
    selector = selector == null ? "" : selector;
    reason = reason == null ? "" : reason;
  }
}
