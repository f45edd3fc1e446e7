package org.fanmail.delivery;

import java.io.ByteArrayOutputStream;

/**
 * RFC 5321 section 4.5.2 transparency: a line that starts with a dot gets a second one, and the
 * data ends with CRLF.CRLF (a CRLF is added first when the message does not end in one). Nothing
 * else changes: no re-encoding, no line-ending repair beyond that.
 */
public final class DotStuffing {
  private DotStuffing() {}

  /**
   * {@code part} dot-stuffed without the terminating dot, for a piece that starts at a line start
   * and ends with CRLF (a header block that others are appended to).
   */
  public static byte[] stuffLines(byte[] part) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(part.length + 8);
    boolean lineStart = true;
    for (byte b : part) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    return out.toByteArray();
  }

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
