package org.fanmail.mail;

import java.util.Arrays;

/**
 * The two encodings of compact link tokens ({@link LinkTokens#signCompact}): unsigned LEB128
 * varints, so small ids take few octets, and lowercase base32 without padding (RFC 4648 alphabet),
 * which survives mail systems that change the case of local parts and needs no escaping in a URL
 * path. Decoding never throws: what is not a minimal varint or lowercase base32 is refused (-1 or
 * null). Pure.
 */
final class CompactEncoding {
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private CompactEncoding() {}

  /** Unsigned LEB128: seven bits an octet, low bits first, high bit set on all but the last. */
  static byte[] varint(long v) {
    byte[] out = new byte[10];
    int n = 0;
    do {
      byte b = (byte) (v & 0x7f);
      v >>>= 7;
      out[n++] = v == 0 ? b : (byte) (b | 0x80);
    } while (v != 0);
    return Arrays.copyOf(out, n);
  }

  /** The value of a minimal varint, or -1 when it is not one (so one id has one spelling). */
  static long unvarint(byte[] b) {
    long v = 0;
    for (int i = 0; i < b.length; i++) {
      boolean last = i == b.length - 1;
      if (((b[i] & 0x80) == 0) != last) {
        return -1;
      }
      v |= (long) (b[i] & 0x7f) << (7 * i);
    }
    if (b.length > 1 && b[b.length - 1] == 0) {
      return -1;
    }
    return v;
  }

  static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int count = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      count += 8;
      while (count >= 5) {
        out.append(BASE32[(buffer >> (count - 5)) & 31]);
        count -= 5;
      }
    }
    if (count > 0) {
      out.append(BASE32[(buffer << (5 - count)) & 31]);
    }
    return out.toString();
  }

  /** Lowercase base32 without padding, or null when {@code s} is not that. */
  static byte[] unbase32(String s) {
    byte[] out = new byte[s.length() * 5 / 8];
    int buffer = 0;
    int count = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      int v;
      if (ch >= 'a' && ch <= 'z') {
        v = ch - 'a';
      } else if (ch >= '2' && ch <= '7') {
        v = ch - '2' + 26;
      } else {
        return null;
      }
      buffer = (buffer << 5) | v;
      count += 5;
      if (count >= 8) {
        out[n++] = (byte) (buffer >> (count - 8));
        count -= 8;
      }
    }
    return n == out.length ? out : null;
  }
}
