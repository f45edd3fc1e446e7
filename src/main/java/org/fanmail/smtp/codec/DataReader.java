package org.fanmail.smtp.codec;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the message after {@code DATA}: undoes dot-stuffing and ends only at {@code <CRLF>.<CRLF>}
 * (the 354 reply counts as the first CRLF, so a lone {@code .<CRLF>} ends an empty message).
 *
 * <p>Invariants: a bare CR or bare LF anywhere marks the message {@link Outcome#BARE_LINE_ENDING};
 * it never ends the message, so no smuggling variant ({@code \n.\n}, {@code \r.\r}, {@code
 * \r\n.\n}, ...) splits one DATA into two. Lines longer than {@link #MAX_TEXT_LINE} octets (CRLF
 * included) and messages over the size limit are read to the terminator but not kept. Once the
 * message is known to be refused nothing more is written to the sink, so memory and disk stay
 * bounded whatever the client sends.
 */
public final class DataReader {
  /** Longest text line, CRLF included (RFC 5321 section 4.5.3.1.6). */
  public static final int MAX_TEXT_LINE = 1000;

  /** What the message turned out to be. */
  public enum Outcome {
    OK,
    BARE_LINE_ENDING,
    LINE_TOO_LONG,
    TOO_BIG
  }

  private enum State {
    LINE_START,
    DOT,
    DOT_CR,
    MID,
    CR
  }

  private final SpillBuffer sink;
  private final long maxSize;
  private State state = State.LINE_START;
  private int lineLength;
  private boolean bare;
  private boolean longLine;
  private boolean tooBig;
  private long wireBytes;
  private boolean done;
  private final byte[] stage = new byte[8192];
  private int staged;

  public DataReader(SpillBuffer sink, long maxSize) {
    this.sink = sink;
    this.maxSize = maxSize;
  }

  /**
   * Consumes bytes until the end-of-data terminator.
   *
   * @return how many bytes were consumed (fewer than {@code count} only when the message ended)
   */
  public int feed(Buffer src, int offset, int count) {
    byte[] in = src.getBytes(offset, offset + count);
    int i = 0;
    while (i < count && !done) {
      if (state == State.MID) {
        // The middle of a line: the bytes up to the next CR or LF are content, taken as a run
        // (byte by byte this loop was the SMTP front end's hottest code).
        int end = i;
        while (end < count && in[end] != '\r' && in[end] != '\n') {
          end++;
        }
        if (end > i) {
          run(in, i, end - i);
          i = end;
          continue;
        }
      }
      accept(in[i++]);
    }
    flush();
    wireBytes += i;
    return i;
  }

  private void flush() {
    if (staged > 0) {
      sink.write(stage, 0, staged);
      staged = 0;
    }
  }

  /** True once {@code <CRLF>.<CRLF>} was read. */
  public boolean isDone() {
    return done;
  }

  /** Bytes read from the wire, terminator included. */
  public long wireBytes() {
    return wireBytes;
  }

  /** The verdict; meaningful once {@link #isDone()}. */
  public Outcome outcome() {
    if (bare) {
      return Outcome.BARE_LINE_ENDING;
    }
    if (longLine) {
      return Outcome.LINE_TOO_LONG;
    }
    return tooBig ? Outcome.TOO_BIG : Outcome.OK;
  }

  private void accept(byte b) {
    switch (state) {
      case LINE_START -> {
        lineLength = 0;
        if (b == '.') {
          state = State.DOT;
          lineLength = 1;
        } else {
          mid(b);
        }
      }
      case DOT -> {
        if (b == '\r') {
          state = State.DOT_CR;
          lineLength++;
        } else {
          // Dot-stuffing: the leading dot goes, the byte after it is content.
          mid(b);
        }
      }
      case DOT_CR -> {
        if (b == '\n') {
          done = true;
        } else {
          bare = true;
          mid(b);
        }
      }
      case MID -> mid(b);
      case CR -> {
        if (b == '\n') {
          count(2);
          emit('\r');
          emit('\n');
          state = State.LINE_START;
        } else {
          bare = true;
          mid(b);
        }
      }
    }
  }

  private void mid(byte b) {
    if (b == '\r') {
      state = State.CR;
      return;
    }
    if (b == '\n') {
      bare = true;
    }
    count(1);
    emit(b);
    state = State.MID;
  }

  private void count(int n) {
    lineLength += n;
    if (lineLength > MAX_TEXT_LINE) {
      longLine = true;
    }
  }

  /** {@code n} content bytes without CR or LF in the middle of a line: as {@link #mid} each. */
  private void run(byte[] in, int from, int n) {
    count(n);
    if (bare || longLine || tooBig) {
      return;
    }
    if (sink.size() + staged + n >= maxSize) {
      // Near the limit: byte by byte, so the message is cut exactly where it was before.
      for (int k = 0; k < n; k++) {
        emit(in[from + k]);
      }
      return;
    }
    int off = from;
    int left = n;
    while (left > 0) {
      if (staged == stage.length) {
        flush();
      }
      int take = Math.min(left, stage.length - staged);
      System.arraycopy(in, off, stage, staged, take);
      staged += take;
      off += take;
      left -= take;
    }
  }

  private void emit(int b) {
    if (bare || longLine || tooBig) {
      return;
    }
    if (sink.size() + staged >= maxSize) {
      tooBig = true;
      return;
    }
    if (staged == stage.length) {
      flush();
    }
    stage[staged++] = (byte) b;
  }
}
