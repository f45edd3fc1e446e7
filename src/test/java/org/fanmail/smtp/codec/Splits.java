package org.fanmail.smtp.codec;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's codec-testing habit: the same input cut into pieces at every byte boundary (one cut at
 * each position, and byte by byte) must decode to the same thing as the whole.
 */
final class Splits {
  private Splits() {}

  /** Every way of cutting {@code input} tested here: whole, one cut at each i, byte by byte. */
  static List<List<Buffer>> of(byte[] input) {
    List<List<Buffer>> out = new ArrayList<>();
    out.add(List.of(Buffer.buffer(input)));
    for (int i = 1; i < input.length; i++) {
      out.add(
          List.of(
              Buffer.buffer(java.util.Arrays.copyOfRange(input, 0, i)),
              Buffer.buffer(java.util.Arrays.copyOfRange(input, i, input.length))));
    }
    List<Buffer> bytes = new ArrayList<>();
    for (byte b : input) {
      bytes.add(Buffer.buffer(new byte[] {b}));
    }
    out.add(bytes);
    return out;
  }
}
