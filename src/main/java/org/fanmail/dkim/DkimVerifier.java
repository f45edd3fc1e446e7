package org.fanmail.dkim;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376; {@code rsa-sha256} and RFC 8463 {@code
 * ed25519-sha256}, simple and relaxed canonicalization) and reports one {@link DkimResult} per
 * signature, in header order. Never throws for bad input: a signature that cannot be read is a
 * PERMERROR, one whose algorithm fanmail does not take (rsa-sha1, RFC 8301) NEUTRAL, a DNS failure
 * that may pass TEMPERROR, a hash or signature that does not match (or an expired {@code x=}) FAIL.
 *
 * <p>Safety: {@code From} must be signed; {@code i=} must sit in {@code d=} (exactly so under a key
 * with {@code t=s}); an empty {@code p=} is a revoked key. A body length {@code l=} lets anyone
 * append content after the signed part, so a signature whose {@code l=} leaves body octets unsigned
 * is NEUTRAL, never PASS; an {@code l=} longer than the body is FAIL. At most {@link
 * #MAX_SIGNATURES} signatures are checked (each may cost a DNS look-up); later ones are PERMERROR
 * without a look-up. Keys are looked up once per (selector, domain) per message. Thread-safe if the
 * {@link TxtLookup} is.
 */
public final class DkimVerifier {
  static final int MAX_SIGNATURES = 10;

  private final TxtLookup dns;
  private final Clock clock;

  public DkimVerifier(TxtLookup dns) {
    this(dns, Clock.systemUTC());
  }

  public DkimVerifier(TxtLookup dns, Clock clock) {
    this.dns = dns;
    this.clock = clock;
  }

  /** All signatures of the message, in header order; empty when unsigned. */
  public List<DkimResult> verify(byte[] rawMessage) {
    List<DkimResult> results = new ArrayList<>();
    try {
      MessageFields message = MessageFields.of(rawMessage);
      SignatureCheck check = new SignatureCheck(message, dns, clock);
      for (MessageFields.Field f : message.fields()) {
        if (!f.is("DKIM-Signature")) {
          continue;
        }
        if (results.size() >= MAX_SIGNATURES) {
          results.add(new DkimResult("", "", DkimResult.Status.PERMERROR, "too many signatures"));
        } else {
          results.add(one(check, f));
        }
      }
    } catch (RuntimeException e) {
      // A defect must not turn into a rejected or lost post: what was found so far is reported,
      // and the signature being checked counts as unverifiable.
      results.add(
          new DkimResult("", "", DkimResult.Status.PERMERROR, "verifier error: " + e.getClass()));
    }
    return results;
  }

  private static DkimResult one(SignatureCheck check, MessageFields.Field field) {
    SignatureTags sig;
    try {
      sig = SignatureTags.parse(field.value());
    } catch (TagList.Malformed e) {
      return new DkimResult(
          domainOf(field), selectorOf(field), DkimResult.Status.PERMERROR, e.getMessage());
    }
    String problem = problem(sig);
    if (problem != null) {
      return new DkimResult(sig.domain(), sig.selector(), DkimResult.Status.PERMERROR, problem);
    }
    return check.verify(field, sig, identityDomain(sig));
  }

  /** What makes a readable signature unverifiable (RFC 6376 §6.1.1), or null. */
  private static String problem(SignatureTags sig) {
    String v = sig.tags().get("v").orElse(null);
    if (!"1".equals(v)) {
      return v == null ? "missing tag v=" : "unsupported version v=" + v;
    }
    if (!sig.signs("from")) {
      return "From is not signed";
    }
    String i = sig.tags().get("i").orElse(null);
    if (i != null) {
      String id = identityDomain(sig);
      if (!id.equals(sig.domain()) && !id.endsWith("." + sig.domain())) {
        return "i= is not in d=";
      }
    }
    String q = sig.tags().get("q").orElse("dns/txt");
    if (!q.toLowerCase(Locale.ROOT).contains("dns/txt")) {
      return "unsupported q=";
    }
    if (sig.timestamp() != null && sig.expiry() != null && sig.expiry() < sig.timestamp()) {
      return "x= before t=";
    }
    return null;
  }

  static String identityDomain(SignatureTags sig) {
    String i = sig.tags().get("i").orElse("@" + sig.domain());
    return i.substring(i.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  /** The d= of an unreadable signature, best effort, for the report only. */
  private static String domainOf(MessageFields.Field f) {
    return loneTag(f.value(), "d");
  }

  private static String selectorOf(MessageFields.Field f) {
    return loneTag(f.value(), "s");
  }

  private static String loneTag(String value, String name) {
    for (String spec : value.split(";")) {
      int eq = spec.indexOf('=');
      if (eq > 0 && spec.substring(0, eq).strip().equals(name)) {
        String v = TagList.compact(spec.substring(eq + 1));
        return v.length() > 255 ? v.substring(0, 255) : v;
      }
    }
    return "";
  }
}
