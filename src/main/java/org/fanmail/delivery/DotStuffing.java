package org.fanmail.delivery;

import java.io.ByteArrayOutputStream;

/**
 * RFC 5321 section 4.5.2 transparency: a line that starts with a dot gets a second one, and the
 * data ends with CRLF.CRLF (a CRLF is added first when the message does not end in one). Nothing
 * else changes: no re-encoding, no line-ending repair beyond that.
 */
public final class DotStuffing {
  private DotStuffing() {}

  /** {@code parts} concatenated, dot-stuffed, with the terminating {@code .CRLF}. */
  public static byte[] stuff(byte[]... parts) {
    int total = 0;
    for (byte[] p : parts) {
      total += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(total + total / 64 + 8);
    boolean lineStart = true;
    byte last = '\n';
    for (byte[] p : parts) {
      for (byte b : p) {
        if (lineStart && b == '.') {
          out.write('.');
        }
        out.write(b);
        lineStart = b == '\n';
        last = b;
      }
    }
    if (total > 0 && last != '\n') {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }
}
