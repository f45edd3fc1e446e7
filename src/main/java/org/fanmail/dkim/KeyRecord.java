package org.fanmail.dkim;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * A DKIM key record (RFC 6376 §3.6.1) as read for one signature: its public key, whether it is in
 * testing ({@code t=y}) and whether it forbids subdomains in {@code i=} ({@code t=s}). Parsing
 * throws {@link Unusable}, with the reason, for every way a record can be unusable, so the verifier
 * can say why: no {@code p=}, an empty one (revoked), a {@code k=} that does not match the
 * signature's algorithm, {@code h=} without sha256, {@code s=} without email or *, a {@code v=}
 * that is not first or not DKIM1, a key that does not decode.
 */
record KeyRecord(PublicKey key, boolean testing, boolean strict) {

  /** Why a record cannot be used (its message is the reason, safe to show). */
  static final class Unusable extends Exception {
    Unusable(String reason) {
      super(reason);
    }
  }

  /** The record, if it can verify {@code alg} signatures. */
  static KeyRecord parse(String txt, SigningAlgorithm alg) throws Unusable {
    TagList tags;
    try {
      tags = TagList.parse(txt);
    } catch (TagList.Malformed e) {
      throw new Unusable("key record: " + e.getMessage());
    }
    if (tags.has("v")
        && (!tags.get("v").orElse("").equals("DKIM1")
            || !tags.firstName().orElse("").equals("v"))) {
      throw new Unusable("key record: bad v=");
    }
    String k = tags.get("k").orElse("rsa");
    if (!k.equalsIgnoreCase(alg.keyType())) {
      throw new Unusable("key type " + k + " does not match " + alg.tag());
    }
    if (tags.has("h")
        && Arrays.stream(tags.get("h").get().split(":"))
            .noneMatch(h -> h.strip().equalsIgnoreCase("sha256"))) {
      throw new Unusable("key record does not allow sha256");
    }
    if (tags.has("s")
        && Arrays.stream(tags.get("s").get().split(":"))
            .map(String::strip)
            .noneMatch(s -> s.equals("*") || s.equalsIgnoreCase("email"))) {
      throw new Unusable("key record not for email");
    }
    if (!tags.has("p")) {
      throw new Unusable("key record without p=");
    }
    String p = TagList.compact(tags.get("p").get());
    if (p.isEmpty()) {
      throw new Unusable("key revoked");
    }
    PublicKey key;
    try {
      key = alg.publicKey(Base64.getDecoder().decode(p));
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      throw new Unusable("key record: unusable key (" + e.getMessage() + ")");
    }
    boolean testing = false;
    boolean strict = false;
    for (String flag : tags.get("t").orElse("").split(":")) {
      testing |= flag.strip().equals("y");
      strict |= flag.strip().equals("s");
    }
    return new KeyRecord(key, testing, strict);
  }
}
