package org.fanmail.fuzz;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cuts fuzz input into pieces the way a TCP stream might arrive: sizes drawn from a seed the fuzzer
 * chooses, so a split that breaks a decoder is found, minimized and replayed like any other input.
 */
final class Pieces {
  private Pieces() {}

  /** {@code input} cut into pieces of 1 to {@code maxPiece} bytes, sizes from {@code seed}. */
  static List<Buffer> cut(byte[] input, long seed, int maxPiece) {
    Random random = new Random(seed);
    List<Buffer> out = new ArrayList<>();
    int at = 0;
    while (at < input.length) {
      int n = Math.min(input.length - at, 1 + random.nextInt(maxPiece));
      out.add(Buffer.buffer(java.util.Arrays.copyOfRange(input, at, at + n)));
      at += n;
    }
    return out;
  }

  /** Index of the first occurrence of {@code needle} in {@code hay} at or after {@code from}. */
  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** True when every CR is followed by LF and every LF follows a CR. */
  static boolean onlyCrlf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\r' && (i + 1 >= to || b[i + 1] != '\n')) {
        return false;
      }
      if (b[i] == '\n' && (i == from || b[i - 1] != '\r')) {
        return false;
      }
    }
    return true;
  }
}
