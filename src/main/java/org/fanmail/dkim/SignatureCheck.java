package org.fanmail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks a DKIM-Signature and an ARC-Message-Signature share, for one message: body hash (with
 * {@code l=}), key look-up, signature over the selected fields. Canonical bodies and key look-ups
 * are kept for the message's other signatures. Not thread-safe: one per message.
 */
final class SignatureCheck {
  private final MessageFields message;
  private final TxtLookup dns;
  private final Clock clock;
  private final Map<Canonicalization, byte[]> bodies = new EnumMap<>(Canonicalization.class);
  private final Map<String, KeyAnswer> keys = new HashMap<>();

  SignatureCheck(MessageFields message, TxtLookup dns, Clock clock) {
    this.message = message;
    this.dns = dns;
    this.clock = clock;
  }

  /**
   * The outcome of a signature whose tags were read and checked for what its kind needs; {@code
   * identityDomain} is the domain of its {@code i=} (DKIM) or its {@code d=} (ARC).
   */
  DkimResult verify(MessageFields.Field field, SignatureTags sig, String identityDomain) {
    String d = sig.domain();
    String s = sig.selector();
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
    KeyAnswer key = key(s, d, sig.algorithm());
    if (key.record() == null) {
      return new DkimResult(d, s, key.status(), key.reason());
    }
    KeyRecord record = key.record();
    if (record.strict() && !identityDomain.equals(d)) {
      return new DkimResult(d, s, DkimResult.Status.PERMERROR, "key forbids subdomains in i=");
    }
    byte[] data = SignedData.of(sig.headerCanon(), message.select(sig.signedFields()), field.raw());
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

  /** The key for selector {@code s} of {@code d} (looked up once per message). */
  KeyAnswer key(String s, String d, SigningAlgorithm alg) {
    return keys.computeIfAbsent(s + "._domainkey." + d + "/" + alg, n -> lookUp(s, d, alg));
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

  /** A key look-up's answer: the record, or the status and reason when there is none. */
  record KeyAnswer(KeyRecord record, DkimResult.Status status, String reason) {}

  static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, 0, length);
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
