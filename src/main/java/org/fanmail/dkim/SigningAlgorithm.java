package org.fanmail.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The two signing algorithms fanmail signs and verifies with: {@code rsa-sha256} (RFC 6376; keys
 * under 1,024 bits are refused, RFC 8301) and {@code ed25519-sha256} (RFC 8463: PureEdDSA over the
 * SHA-256 hash of the signed data; the key record's {@code p=} is the raw 32-byte key). Both live
 * in the JDK (17+), so no provider is added. {@code rsa-sha1} is deliberately absent (RFC 8301: not
 * to be taken as valid).
 */
public enum SigningAlgorithm {
  RSA_SHA256("rsa-sha256", "rsa"),
  ED25519_SHA256("ed25519-sha256", "ed25519");

  /** ASN.1 prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the raw 32-byte key. */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  /** RFC 8301 §3.2: verifiers must not take shorter RSA keys as valid. */
  static final int MIN_RSA_BITS = 1024;

  private final String tag;
  private final String keyType;

  SigningAlgorithm(String tag, String keyType) {
    this.tag = tag;
    this.keyType = keyType;
  }

  /** The {@code a=} value. */
  public String tag() {
    return tag;
  }

  /** The key record's {@code k=} value. */
  public String keyType() {
    return keyType;
  }

  /** The algorithm named by {@code a=}, or null for one fanmail does not take. */
  static SigningAlgorithm ofTag(String a) {
    for (SigningAlgorithm s : values()) {
      if (s.tag.equalsIgnoreCase(a)) {
        return s;
      }
    }
    return null;
  }

  /** Reads a key record's {@code p=} bytes into a public key; throws for a key of another kind. */
  PublicKey publicKey(byte[] p) throws GeneralSecurityException {
    if (this == ED25519_SHA256) {
      if (p.length != 32) {
        throw new GeneralSecurityException("Ed25519 key is not 32 bytes");
      }
      byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
      System.arraycopy(p, 0, spki, ED25519_SPKI_PREFIX.length, 32);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
    PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p));
    if (((RSAPublicKey) key).getModulus().bitLength() < MIN_RSA_BITS) {
      throw new GeneralSecurityException("RSA key shorter than " + MIN_RSA_BITS + " bits");
    }
    return key;
  }

  /**
   * The {@code p=} bytes of a public key: SubjectPublicKeyInfo for RSA, the raw key for Ed25519.
   */
  public byte[] publicKeyBytes(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (this == ED25519_SHA256) {
      return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }
    return spki;
  }

  /** Signs the canonical header data. */
  byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature s = signature();
    s.initSign(key);
    s.update(input(data));
    return s.sign();
  }

  /** Checks {@code sig} over the canonical header data. */
  boolean verify(PublicKey key, byte[] data, byte[] sig) throws GeneralSecurityException {
    Signature s = signature();
    s.initVerify(key);
    s.update(input(data));
    return s.verify(sig);
  }

  private Signature signature() throws GeneralSecurityException {
    return Signature.getInstance(this == ED25519_SHA256 ? "Ed25519" : "SHA256withRSA");
  }

  /** RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data, RSA hashes inside the signature. */
  private byte[] input(byte[] data) throws GeneralSecurityException {
    return this == ED25519_SHA256 ? MessageDigest.getInstance("SHA-256").digest(data) : data;
  }
}
