package org.fanmail.admin;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The mboxrd flavour of RFC 4155: each message opens with {@code From <sender> <asctime>}, its line
 * ends become LF, every body line matching {@code >*From } gains one more {@code >} (so the quoting
 * can be undone exactly), and a blank line follows it. {@link MessageStream} does the per-byte work
 * with constant state, whatever the line lengths, so a message can be fed in slices of any size.
 */
final class MboxFormat {
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private MboxFormat() {}

  /**
   * The separator line that opens a message: the envelope sender (MAILER-DAEMON for the null
   * sender; whitespace, which would break the line's fields, replaced by {@code _}) and the time
   * received in UTC.
   */
  static byte[] separator(String envelopeFrom, Instant receivedAt) {
    String sender =
        envelopeFrom == null || envelopeFrom.isBlank()
            ? "MAILER-DAEMON"
            : envelopeFrom.strip().replaceAll("\\s", "_");
    return ("From " + sender + " " + ASCTIME.format(receivedAt) + "\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * One message's bytes on their way into an mbox: CRLF → LF, {@code >*From } quoted, the last line
   * ended and a blank line added by {@link #finish()}. Closing does not close the underlying
   * stream.
   */
  static final class MessageStream extends FilterOutputStream {
    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

    /** At the start of a line, still deciding whether it needs quoting. */
    private boolean lineStart = true;

    /** {@code >} characters seen at the start of the current line, not yet written. */
    private long quotes;

    /** Bytes of {@code From } matched after the quotes, not yet written. */
    private int matched;

    /** A CR was read; whether it ends a line depends on the next byte. */
    private boolean pendingCr;

    /** The current line has content, so the message needs a final LF. */
    private boolean openLine;

    MessageStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      b &= 0xff;
      if (pendingCr) {
        pendingCr = false;
        if (b == '\n') {
          newline();
          return;
        }
        content('\r');
      }
      if (b == '\r') {
        pendingCr = true;
      } else if (b == '\n') {
        newline();
      } else {
        content(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void content(int b) throws IOException {
      openLine = true;
      if (!lineStart) {
        out.write(b);
        return;
      }
      if (matched == 0 && b == '>') {
        quotes++;
        return;
      }
      if (b == FROM[matched]) {
        matched++;
        if (matched == FROM.length) {
          out.write('>');
          flushPending();
          lineStart = false;
        }
        return;
      }
      flushPending();
      lineStart = false;
      out.write(b);
    }

    private void flushPending() throws IOException {
      for (long i = 0; i < quotes; i++) {
        out.write('>');
      }
      out.write(FROM, 0, matched);
      quotes = 0;
      matched = 0;
    }

    private void newline() throws IOException {
      if (lineStart) {
        flushPending();
      }
      out.write('\n');
      lineStart = true;
      openLine = false;
    }

    /** Ends the message: a pending lone CR kept, the last line ended, then the blank line. */
    void finish() throws IOException {
      if (pendingCr) {
        pendingCr = false;
        content('\r');
      }
      if (lineStart) {
        flushPending();
      }
      if (openLine) {
        out.write('\n');
      }
      out.write('\n');
      lineStart = true;
      openLine = false;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
