package org.fanmail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
      Check check = new Check(message);
      for (MessageFields.Field f : message.fields()) {
        if (!f.is("DKIM-Signature")) {
          continue;
        }
        if (results.size() >= MAX_SIGNATURES) {
          results.add(new DkimResult("", "", DkimResult.Status.PERMERROR, "too many signatures"));
        } else {
          results.add(check.one(f));
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

  /** The work for one message: canonical bodies and keys shared by its signatures. */
  private final class Check {
    private final MessageFields message;
    private final Map<Canonicalization, byte[]> bodies = new EnumMap<>(Canonicalization.class);
    private final Map<String, KeyAnswer> keys = new HashMap<>();

    Check(MessageFields message) {
      this.message = message;
    }

    DkimResult one(MessageFields.Field field) {
      SignatureTags sig;
      try {
        sig = SignatureTags.parse(field.value());
      } catch (TagList.Malformed e) {
        return new DkimResult(
            domainOf(field), selectorOf(field), DkimResult.Status.PERMERROR, e.getMessage());
      }
      String d = sig.domain();
      String s = sig.selector();
      String problem = problem(sig);
      if (problem != null) {
        return new DkimResult(d, s, DkimResult.Status.PERMERROR, problem);
      }
      if (sig.algorithm() == null) {
        return new DkimResult(
            d, s, DkimResult.Status.NEUTRAL, "unsupported algorithm " + sig.algorithmName());
      }
      if (sig.expiry() != null && sig.expiry() < clock.instant().getEpochSecond()) {
        return new DkimResult(d, s, DkimResult.Status.FAIL, "signature expired");
      }
      byte[] body =
          bodies.computeIfAbsent(
              sig.bodyCanon(), c -> c.body(message.message(), message.bodyStart()));
      long signedLength = body.length;
      if (sig.length() != null) {
        if (sig.length() > body.length) {
          return new DkimResult(d, s, DkimResult.Status.FAIL, "l= longer than the body");
        }
        signedLength = sig.length();
      }
      if (!MessageDigest.isEqual(sha256(body, (int) signedLength), sig.bodyHash())) {
        return new DkimResult(d, s, DkimResult.Status.FAIL, "body hash did not verify");
      }
      KeyAnswer key =
          keys.computeIfAbsent(
              s + "._domainkey." + d + "/" + sig.algorithm(), n -> lookUp(s, d, sig.algorithm()));
      if (key.record() == null) {
        return new DkimResult(d, s, key.status(), key.reason());
      }
      KeyRecord record = key.record();
      if (record.strict() && !identityDomain(sig).equals(d)) {
        return new DkimResult(d, s, DkimResult.Status.PERMERROR, "key forbids subdomains in i=");
      }
      byte[] data =
          SignedData.of(sig.headerCanon(), message.select(sig.signedFields()), field.raw());
      boolean good;
      try {
        good = sig.algorithm().verify(record.key(), data, sig.signature());
      } catch (GeneralSecurityException e) {
        good = false;
      }
      if (!good) {
        return new DkimResult(d, s, DkimResult.Status.FAIL, "signature did not verify");
      }
      if (signedLength < body.length) {
        return new DkimResult(
            d,
            s,
            DkimResult.Status.NEUTRAL,
            "l= leaves " + (body.length - signedLength) + " body octets unsigned");
      }
      return new DkimResult(d, s, DkimResult.Status.PASS, record.testing() ? "key in testing" : "");
    }

    /** The key for selector {@code s} of {@code d}, or why there is none to use. */
    private KeyAnswer lookUp(String s, String d, SigningAlgorithm alg) {
      List<String> records;
      try {
        records = dns.txt(s + "._domainkey." + d);
      } catch (TxtLookup.TemporaryFailure e) {
        return new KeyAnswer(null, DkimResult.Status.TEMPERROR, "key look-up: " + e.getMessage());
      }
      if (records.isEmpty()) {
        return new KeyAnswer(null, DkimResult.Status.PERMERROR, "no key for signature");
      }
      String reason = "";
      for (String txt : records) {
        try {
          return new KeyAnswer(KeyRecord.parse(txt, alg), DkimResult.Status.PASS, "");
        } catch (KeyRecord.Unusable e) {
          reason = e.getMessage();
        }
      }
      return new KeyAnswer(null, DkimResult.Status.PERMERROR, reason);
    }
  }

  /** A key look-up's answer: the record, or the status and reason when there is none. */
  private record KeyAnswer(KeyRecord record, DkimResult.Status status, String reason) {}

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

  private static String identityDomain(SignatureTags sig) {
    String i = sig.tags().get("i").orElse("@" + sig.domain());
    return i.substring(i.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  private static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, 0, length);
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
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
