package org.fanmail.smtp;

import io.vertx.core.buffer.Buffer;
import org.fanmail.smtp.codec.CommandLineDecoder;

/**
 * Input a session has received and not processed yet, and the command-line framing over it. It
 * holds bytes only while the session is busy with the previous command (the socket is paused then),
 * so what waits is what was in flight; past one mebibyte {@link #append} refuses and the session
 * closes the connection.
 *
 * <p>Runs on the session's event-loop context only.
 */
final class SessionInput {
  private static final int MAX_PENDING = 1024 * 1024;

  /** Takes octets from {@code from}, at most {@code length}; returns how many it took. */
  interface Reader {
    int feed(Buffer input, int from, int length);
  }

  private final CommandLineDecoder lines = new CommandLineDecoder();
  private Buffer pending = Buffer.buffer();
  private int pos;

  /** Appends {@code data}; false when the input waiting would pass the bound. */
  boolean append(Buffer data) {
    if (pos >= pending.length()) {
      pending = data;
    } else {
      pending = pending.getBuffer(pos, pending.length()).appendBuffer(data);
    }
    pos = 0;
    return pending.length() <= MAX_PENDING;
  }

  boolean isEmpty() {
    return pos >= pending.length();
  }

  /** Gives the waiting input to {@code reader} (message data); returns the octets it took. */
  int feed(Reader reader) {
    int used = reader.feed(pending, pos, pending.length() - pos);
    pos += used;
    return used;
  }

  /** The next complete command line, or null while the line is still incomplete. */
  CommandLineDecoder.Line nextLine() {
    pos += lines.feed(pending, pos, pending.length() - pos);
    return lines.take();
  }

  /** Drops everything waiting, a partial line included (STARTTLS: nothing sent before counts). */
  void discard() {
    pos = pending.length();
    lines.take();
  }
}
