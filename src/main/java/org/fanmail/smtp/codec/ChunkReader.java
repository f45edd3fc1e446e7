package org.fanmail.smtp.codec;

import io.vertx.core.buffer.Buffer;

/**
 * Reads RFC 3030 {@code BDAT} chunks of one transaction: exactly the announced number of octets per
 * chunk, no dot-stuffing, framing by length alone.
 *
 * <p>Invariants: every announced octet is consumed even when the message is refused, so the next
 * command is framed correctly. Unless the body is {@code BINARYMIME}, the bytes must be text: a
 * bare CR or LF (judged across chunk boundaries) marks the message {@link
 * DataReader.Outcome#BARE_LINE_ENDING} because it would be unsafe to relay later with DATA, and
 * lines over 1000 octets mark it {@link DataReader.Outcome#LINE_TOO_LONG}. Past the size limit
 * nothing more is written to the sink.
 */
public final class ChunkReader {
  private final SpillBuffer sink;
  private final long maxSize;
  private final boolean binary;
  private long remaining;
  private boolean pendingCr;
  private int lineLength;
  private boolean bare;
  private boolean longLine;
  private boolean tooBig;
  private boolean discard;

  public ChunkReader(SpillBuffer sink, long maxSize, boolean binary) {
    this.sink = sink;
    this.maxSize = maxSize;
    this.binary = binary;
  }

  /** Starts a chunk of {@code size} octets; {@code discard} reads it without keeping it. */
  public void startChunk(long size, boolean discard) {
    this.remaining = size;
    this.discard = discard;
    if (!discard && sink.size() + size > maxSize) {
      tooBig = true;
    }
  }

  /** Consumes up to the end of the current chunk; returns how many bytes were consumed. */
  public int feed(Buffer src, int offset, int count) {
    int n = (int) Math.min(count, remaining);
    for (int i = 0; i < n; i++) {
      accept(src.getByte(offset + i));
    }
    remaining -= n;
    return n;
  }

  /** True once the current chunk has been read completely. */
  public boolean chunkDone() {
    return remaining == 0;
  }

  /** The verdict so far; at LAST a CR left pending at the very end counts as bare. */
  public DataReader.Outcome outcome(boolean last) {
    if (bare || (last && pendingCr && !binary)) {
      return DataReader.Outcome.BARE_LINE_ENDING;
    }
    if (longLine) {
      return DataReader.Outcome.LINE_TOO_LONG;
    }
    return tooBig ? DataReader.Outcome.TOO_BIG : DataReader.Outcome.OK;
  }

  private void accept(byte b) {
    if (discard) {
      return;
    }
    if (!binary) {
      if (pendingCr) {
        pendingCr = false;
        if (b == '\n') {
          lineLength = 0;
        } else {
          bare = true;
        }
      } else if (b == '\n') {
        bare = true;
      }
      if (b == '\r') {
        pendingCr = true;
      }
      if (b != '\n' && ++lineLength > DataReader.MAX_TEXT_LINE - 1) {
        longLine = true;
      }
    }
    if (tooBig || bare || longLine) {
      return;
    }
    sink.write(b);
  }
}
