package org.fanmail.smtp.codec;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames SMTP command lines: bytes up to and including CRLF, at most {@link #MAX_LINE} octets (RFC
 * 5321 section 4.5.3.1.4), never holding more than that in memory.
 *
 * <p>Invariants: a line ends only at CRLF or at an LF. A bare LF, a bare CR or NUL inside a line,
 * or a line longer than the limit ends as a {@link Line#malformed malformed} line at the next LF,
 * so the session answers {@code 500 5.5.2} once and then reads the following line (resync). The
 * decoder stops consuming right after a line ends, so the bytes after it are left for whatever mode
 * the session enters next (message data after DATA, a chunk after BDAT, nothing after STARTTLS).
 */
public final class CommandLineDecoder {
  /** Longest command line, CRLF included. */
  public static final int MAX_LINE = 512;

  /** One framed line: its text without CRLF, or why it is malformed. */
  public record Line(String text, String malformed) {
    public boolean isMalformed() {
      return malformed != null;
    }
  }

  private final byte[] line = new byte[MAX_LINE];
  private int length;
  private boolean sawCr;
  private String problem;
  private Line ready;

  /**
   * Consumes bytes from {@code src[offset..offset+count)} up to the end of one line.
   *
   * @return how many bytes were consumed; when a line ended, {@link #take()} returns it
   */
  public int feed(Buffer src, int offset, int count) {
    int i = 0;
    while (i < count && ready == null) {
      byte b = src.getByte(offset + i++);
      accept(b);
    }
    return i;
  }

  /** Same as {@link #feed(Buffer, int, int)} for a byte array. */
  public int feed(byte[] src, int offset, int count) {
    return feed(Buffer.buffer(src).slice(offset, offset + count), 0, count);
  }

  /** The line that ended, once; {@code null} if none is complete. */
  public Line take() {
    Line l = ready;
    ready = null;
    return l;
  }

  private void accept(byte b) {
    if (b == '\n') {
      String why = problem;
      if (why == null && !sawCr) {
        why = "Bare LF in command line";
      }
      if (why == null && length + 2 > MAX_LINE) {
        why = "Line too long";
      }
      ready =
          why != null
              ? new Line(null, why)
              : new Line(new String(line, 0, length, StandardCharsets.UTF_8), null);
      length = 0;
      sawCr = false;
      problem = null;
      return;
    }
    if (sawCr) {
      // The CR we held back was not followed by LF.
      problem = problem == null ? "Bare CR in command line" : problem;
      sawCr = false;
    }
    if (b == '\r') {
      sawCr = true;
      return;
    }
    if (b == 0 && problem == null) {
      problem = "NUL in command line";
    }
    if (length + 2 >= MAX_LINE + 1) {
      problem = problem == null ? "Line too long" : problem;
      return;
    }
    line[length++] = b;
  }
}
