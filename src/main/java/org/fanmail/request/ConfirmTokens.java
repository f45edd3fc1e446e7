package org.fanmail.request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * Confirmation tokens: 128 random bits written as 26 lowercase base32 letters, so they survive mail
 * systems that change the case of local parts ({@code list-confirm+TOKEN@domain}) and fit into a
 * URL path without escaping. Only the SHA-256 of a token is stored; a token read back from mail or
 * a URL is lowercased and checked for shape before it is hashed, so garbage never reaches the
 * database.
 */
public final class ConfirmTokens {
  /** Characters of a token. */
  public static final int LENGTH = 26;

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ConfirmTokens() {}

  /** A fresh token. */
  public static String generate() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    StringBuilder out = new StringBuilder(LENGTH);
    int buffer = 0;
    int count = 0;
    for (byte b : bits) {
      buffer = (buffer << 8) | (b & 0xff);
      count += 8;
      while (count >= 5) {
        out.append(ALPHABET[(buffer >> (count - 5)) & 31]);
        count -= 5;
      }
    }
    if (count > 0) {
      out.append(ALPHABET[(buffer << (5 - count)) & 31]);
    }
    return out.toString();
  }

  /** The token in canonical (lowercase) form, or empty when it cannot be one of ours. */
  public static Optional<String> canonical(String given) {
    if (given == null) {
      return Optional.empty();
    }
    String t = given.strip().toLowerCase(Locale.ROOT);
    return t.matches("[a-z2-7]{" + LENGTH + "}") ? Optional.of(t) : Optional.empty();
  }

  /** What is stored for {@code token} (canonical form). */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
