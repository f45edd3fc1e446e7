package org.fanmail.auth;

import java.util.List;

/**
 * What the inbound checks found for one message: SPF of the envelope (or HELO) identity, each DKIM
 * signature, DMARC of the From domain. Rendered as the {@code Authentication-Results} field by
 * {@link AuthenticationResults}; read by the posting rules through {@link #fromAuthenticated()} and
 * {@link #temporary()}.
 */
public record InboundVerdict(
    SpfCheck.Outcome spf, List<DkimVerdict> dkim, DmarcCheck.Outcome dmarc) {

  /** True when an SPF or DKIM pass is aligned with the From domain (see {@link DmarcCheck}). */
  public boolean fromAuthenticated() {
    return dmarc.aligned();
  }

  /**
   * True when nothing aligned passed and a DNS failure may be why: a DMARC temperror, or no record
   * found while an SPF or DKIM check failed for now. Trying later may give another answer.
   */
  public boolean temporary() {
    if (dmarc.aligned()) {
      return false;
    }
    return dmarc.result() == DmarcResult.TEMPERROR
        || spf.result() == SpfResult.TEMPERROR
        || dkim.stream().anyMatch(d -> "temperror".equals(d.result()));
  }
}
