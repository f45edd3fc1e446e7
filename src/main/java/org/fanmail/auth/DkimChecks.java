package org.fanmail.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fanmail.dkim.DkimResult;
import org.fanmail.dkim.DkimVerifier;
import org.fanmail.dkim.TxtLookup;
import org.xbill.DNS.Type;

/**
 * DKIM verification of a received message's signatures through {@link DkimVerifier}, its key
 * look-ups ({@code selector._domainkey.domain} TXT) on {@link InboundDns} within the message's
 * {@link LookupBudget}: a failed or out-of-budget look-up is a {@link TxtLookup.TemporaryFailure},
 * which the verifier reports as {@code temperror}. Blocking: worker threads only.
 */
final class DkimChecks {
  private DkimChecks() {}

  static List<DkimVerdict> verify(InboundDns dns, LookupBudget budget, byte[] raw) {
    TxtLookup lookup =
        name -> {
          InboundDns.Answer a = dns.query(name, Type.TXT, budget);
          if (a.status() == InboundDns.Status.TEMPFAIL) {
            throw new TxtLookup.TemporaryFailure("TXT look-up of " + name + " failed");
          }
          return InboundDns.texts(a);
        };
    List<DkimVerdict> out = new ArrayList<>();
    for (DkimResult r : new DkimVerifier(lookup).verify(raw)) {
      out.add(
          new DkimVerdict(
              r.domain().toLowerCase(Locale.ROOT),
              r.selector().isEmpty() ? null : r.selector(),
              r.status().name().toLowerCase(Locale.ROOT),
              r.reason()));
    }
    return out;
  }
}
