package org.fanmail.moderation;

/**
 * Whether the post's From domain was authenticated on arrival (an SPF or DKIM pass aligned with it,
 * see {@code auth.DmarcCheck}), as far as the posting rules need to know: read by {@link
 * NonMemberRule} on lists with {@code memberAuth} DMARC.
 */
public enum FromAuthentication {
  /** An aligned SPF or DKIM pass. */
  PASS,
  /** No aligned pass, and no temporary failure that could explain it. */
  FAIL,
  /** No aligned pass, but a DNS look-up failed for now: trying later may pass. */
  TEMPERROR,
  /** Inbound checks are off ({@code fanmail.smtp.inbound-auth.enabled=false}). */
  UNCHECKED
}
