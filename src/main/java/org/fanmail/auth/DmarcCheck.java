package org.fanmail.auth;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.fanout.DmarcRecord;
import org.fanmail.fanout.OrganizationalDomain;
import org.xbill.DNS.Type;

/**
 * DMARC evaluation of a received post (RFC 7489 §6.6): the From domain's policy record, found at
 * {@code _dmarc.<domain>} and else at its organizational domain (the same {@link
 * OrganizationalDomain} and {@link DmarcRecord} rules the DMARC mitigation of copies uses), and
 * whether an SPF or DKIM pass is aligned with the From domain, relaxed (same organizational domain)
 * or strict (same name) per the record's {@code aspf} / {@code adkim}.
 *
 * <p>The look-up is its own, not {@code fanout.DmarcPolicies}': that cache keeps only the policy
 * (not {@code adkim} / {@code aspf}) and waits for a fixed per-query timeout, while a post's checks
 * must stay within the message's {@link LookupBudget}. A failed look-up is {@code temperror}.
 * Blocking: worker threads only.
 */
public final class DmarcCheck {

  /**
   * What DMARC found.
   *
   * @param result pass when aligned and a record exists; none without a record
   * @param fromDomain the From domain (null when the post has no usable From)
   * @param aligned an SPF or DKIM pass is aligned with the From domain (relaxed unless the record
   *     asks for strict), whether or not the domain publishes a record: what {@code memberAuth}
   *     reads
   * @param policy the record's {@code p} (or {@code sp} for a subdomain), null without a record
   * @param reason a few words, for logs
   */
  public record Outcome(
      DmarcResult result, String fromDomain, boolean aligned, String policy, String reason) {}

  private record Found(boolean failed, Optional<String> record, String at, boolean several) {}

  private final InboundDns dns;
  private final LookupBudget budget;

  public DmarcCheck(InboundDns dns, LookupBudget budget) {
    this.dns = dns;
    this.budget = budget;
  }

  /** Evaluates a post whose From domain is {@code fromDomain} (null: none usable). */
  public Outcome evaluate(String fromDomain, SpfCheck.Outcome spf, List<DkimVerdict> dkim) {
    if (fromDomain == null || fromDomain.isEmpty()) {
      return new Outcome(DmarcResult.NONE, null, false, null, "no From domain");
    }
    String from = fromDomain.toLowerCase(Locale.ROOT);
    Found found;
    try {
      found = discover(from);
    } catch (RuntimeException e) {
      // A bug or a resolver surprise counts as a failed look-up, never as a lost message.
      found = new Found(true, Optional.empty(), from, false);
    }
    Map<String, String> tags = found.record().map(DmarcRecord::tags).orElse(Map.of());
    boolean strictSpf = "s".equalsIgnoreCase(tags.get("aspf"));
    boolean strictDkim = "s".equalsIgnoreCase(tags.get("adkim"));
    boolean spfAligned = spf.result() == SpfResult.PASS && aligned(spf.domain(), from, strictSpf);
    boolean dkimAligned =
        dkim.stream().anyMatch(d -> d.passed() && aligned(d.domain(), from, strictDkim));
    boolean aligned = spfAligned || dkimAligned;
    boolean temporary =
        spf.result() == SpfResult.TEMPERROR
            || dkim.stream().anyMatch(d -> "temperror".equals(d.result()));
    if (found.failed()) {
      return new Outcome(
          DmarcResult.TEMPERROR, from, aligned, null, "DMARC look-up at " + found.at() + " failed");
    }
    if (found.record().isEmpty()) {
      return new Outcome(DmarcResult.NONE, from, aligned, null, "no DMARC record for " + from);
    }
    DmarcRecord record = DmarcRecord.parse(found.record().get()).orElseThrow();
    String policy =
        (found.at().equals(from) ? record.policy() : record.forSubdomain())
            .name()
            .toLowerCase(Locale.ROOT);
    if (aligned) {
      return new Outcome(
          DmarcResult.PASS, from, true, policy, spfAligned ? "aligned SPF" : "aligned DKIM");
    }
    if (temporary) {
      return new Outcome(
          DmarcResult.TEMPERROR, from, false, policy, "no aligned pass; a check failed for now");
    }
    return new Outcome(DmarcResult.FAIL, from, false, policy, "no aligned SPF or DKIM pass");
  }

  /** §3.1: strict is the same name, relaxed the same organizational domain. */
  static boolean aligned(String authenticated, String from, boolean strict) {
    if (authenticated == null) {
      return false;
    }
    String a = authenticated.toLowerCase(Locale.ROOT);
    if (a.endsWith(".")) {
      a = a.substring(0, a.length() - 1);
    }
    return strict
        ? a.equals(from)
        : OrganizationalDomain.of(a).equals(OrganizationalDomain.of(from));
  }

  /** §6.6.3: the domain's own record, else the organizational domain's; several mean none. */
  private Found discover(String from) {
    Found own = recordAt(from);
    if (own.failed() || own.record().isPresent() || own.several()) {
      return own;
    }
    String org = OrganizationalDomain.of(from);
    return org.equals(from) ? own : recordAt(org);
  }

  private Found recordAt(String domain) {
    InboundDns.Answer a = dns.query("_dmarc." + domain, Type.TXT, budget);
    if (a.status() == InboundDns.Status.TEMPFAIL) {
      return new Found(true, Optional.empty(), domain, false);
    }
    List<String> records = InboundDns.texts(a).stream().filter(DmarcRecord::isDmarc).toList();
    if (records.size() != 1 || DmarcRecord.parse(records.get(0)).isEmpty()) {
      return new Found(false, Optional.empty(), domain, records.size() > 1);
    }
    return new Found(false, Optional.of(records.get(0)), domain, false);
  }
}
