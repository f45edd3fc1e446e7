package org.fanmail.dkim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals DKIM private keys for the database: AES-256-GCM under a key derived from each link secret
 * (HMAC-SHA256 of the secret over a label of this use alone, so no other use of the secret shares
 * it), the row's domain, selector and algorithm bound as associated data (a sealed key copied into
 * another row does not open). Format: version 1, a 4-byte id of the sealing key, a 12-byte random
 * nonce, the ciphertext with its tag.
 *
 * <p>Rotation: the current {@code fanmail.link-secret} seals; the secrets in {@code
 * fanmail.previous-link-secrets} still open, and {@link Opened#stale} tells the store to seal the
 * key again under the current secret. A key sealed under a secret that is no longer configured
 * cannot be opened: it is skipped for signing (logged by selector, never its bytes) and must be
 * replaced by a new key.
 */
final class PrivateKeySeal {
  private static final byte VERSION = 1;
  private static final String LABEL = "fanmail dkim private key seal v1";
  private static final int ID_BYTES = 4;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private record Key(byte[] id, SecretKeySpec spec) {}

  private final List<Key> keys;
  private final SecureRandom random = new SecureRandom();

  /** The secrets, the current one first. */
  PrivateKeySeal(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no link secret");
    }
    List<Key> ks = new ArrayList<>();
    for (String s : secrets) {
      byte[] k = hmac(s.getBytes(StandardCharsets.UTF_8), LABEL);
      ks.add(new Key(Arrays.copyOf(sha256(k), ID_BYTES), new SecretKeySpec(k, "AES")));
    }
    this.keys = List.copyOf(ks);
  }

  /** A private key opened, and whether it was sealed under an earlier secret. */
  record Opened(byte[] plain, boolean stale) {}

  byte[] seal(byte[] plain, String boundTo) {
    try {
      Key k = keys.get(0);
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plain);
      return ByteBuffer.allocate(1 + ID_BYTES + NONCE_BYTES + ct.length)
          .put(VERSION)
          .put(k.id())
          .put(nonce)
          .put(ct)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** The private key, or throws when no configured secret opens it (or it was tampered with). */
  Opened open(byte[] sealed, String boundTo) throws GeneralSecurityException {
    if (sealed.length < 1 + ID_BYTES + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new GeneralSecurityException("not a sealed key");
    }
    byte[] id = Arrays.copyOfRange(sealed, 1, 1 + ID_BYTES);
    for (int i = 0; i < keys.size(); i++) {
      Key k = keys.get(i);
      if (!MessageDigest.isEqual(k.id(), id)) {
        continue;
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          k.spec(),
          new GCMParameterSpec(TAG_BITS, sealed, 1 + ID_BYTES, NONCE_BYTES));
      c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      int at = 1 + ID_BYTES + NONCE_BYTES;
      return new Opened(c.doFinal(sealed, at, sealed.length - at), i > 0);
    }
    throw new GeneralSecurityException("sealed under a link secret that is no longer configured");
  }

  private static byte[] hmac(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
