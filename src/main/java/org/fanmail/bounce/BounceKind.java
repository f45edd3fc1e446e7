package org.fanmail.bounce;

/**
 * What {@link BounceParser} made of a message sent to a list's bounce address. Only {@link #DSN}
 * and {@link #NON_STANDARD_BOUNCE} say something about a recipient's address; auto-replies and
 * abuse reports are told apart so that they never count toward a bounce score.
 */
public enum BounceKind {
  /** An RFC 3464 / RFC 6533 delivery status notification with machine-readable fields. */
  DSN,
  /** A bounce in one of the plain-text formats (qmail, Exim, Sendmail, Postfix, webmail...). */
  NON_STANDARD_BOUNCE,
  /** A vacation or other automatic reply (RFC 3834), not a delivery failure. */
  AUTO_REPLY,
  /** An abuse (spam complaint) report, RFC 5965 ARF or a provider's own format. */
  FEEDBACK_REPORT,
  /** Anything else: a human's mail, a challenge, noise. */
  NOT_A_BOUNCE;

  /** True for the two kinds that report on recipients' deliveries. */
  public boolean isBounce() {
    return this == DSN || this == NON_STANDARD_BOUNCE;
  }
}
