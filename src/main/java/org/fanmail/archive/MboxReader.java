package org.fanmail.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an mbox (RFC 4155) one message at a time from a stream: a line starting {@code From } opens
 * a message (the separator line, kept apart); body lines quoted as {@code >From } lose one {@code
 * >} ({@link Flavour#MBOXRD}: any {@code >+From }; {@link Flavour#MBOXO}: only {@code >From }, the
 * ambiguous older form); line ends become CRLF, and the blank line that ends each message in an
 * mbox is dropped. So a message written by fanmail's own export ({@code admin.MboxFormat}) reads
 * back as the bytes it was stored with.
 *
 * <p>Bounded: a message longer than {@code maxMessage} octets is read to its end but not kept (it
 * comes back {@link Message#tooLarge()}, with no bytes), so memory holds at most one message of the
 * allowed size plus one line of it. Text before the first separator is not a message and is skipped
 * (counted in {@link #skippedPreamble()}). Never throws on content; I/O errors propagate.
 */
public final class MboxReader {
  /** How {@code >From } lines were quoted by the writer. */
  public enum Flavour {
    MBOXRD,
    MBOXO
  }

  /**
   * One message: the separator line (without {@code From } and the line end, e.g. {@code
   * sender@example.org Mon Jan 1 00:00:00 2024}) and its bytes with CRLF line ends.
   */
  public record Message(String separator, byte[] raw, boolean tooLarge) {}

  private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final long maxMessage;
  private final Flavour flavour;
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private String nextSeparator;
  private boolean started;
  private boolean skippedPreamble;

  /** The line being read; a line longer than a message may be is dropped as it is read. */
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  private boolean lineTooLong;

  public MboxReader(InputStream in, long maxMessage, Flavour flavour) {
    this.in = in;
    this.maxMessage = maxMessage;
    this.flavour = flavour;
  }

  /** Whether text stood before the first separator (it is not imported). */
  public boolean skippedPreamble() {
    return skippedPreamble;
  }

  /** The next message, or null at the end of the stream. */
  public Message next() throws IOException {
    if (!started) {
      started = true;
      while (true) {
        if (!readLine()) {
          return null;
        }
        if (isSeparator()) {
          nextSeparator = separatorText();
          break;
        }
        if (line.size() > 0 || lineTooLong) {
          skippedPreamble = true;
        }
      }
    }
    if (nextSeparator == null) {
      return null;
    }
    String separator = nextSeparator;
    nextSeparator = null;
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    boolean tooLarge = false;
    boolean lastBlank = false;
    while (readLine()) {
      if (isSeparator()) {
        nextSeparator = separatorText();
        break;
      }
      if (tooLarge || lineTooLong) {
        tooLarge = true;
        continue;
      }
      byte[] l = unquoted(line.toByteArray());
      if (message.size() + l.length + 2 > maxMessage + 2) {
        tooLarge = true;
        message = new ByteArrayOutputStream();
        continue;
      }
      message.write(l);
      message.write('\r');
      message.write('\n');
      lastBlank = l.length == 0;
    }
    if (tooLarge) {
      return new Message(separator, new byte[0], true);
    }
    byte[] raw = message.toByteArray();
    if (lastBlank && raw.length >= 2) {
      // The blank line an mbox writes after each message is not part of it.
      byte[] cut = new byte[raw.length - 2];
      System.arraycopy(raw, 0, cut, 0, cut.length);
      raw = cut;
    }
    return new Message(separator, raw, false);
  }

  private boolean isSeparator() {
    if (lineTooLong || line.size() < FROM.length) {
      return false;
    }
    byte[] b = line.toByteArray();
    for (int i = 0; i < FROM.length; i++) {
      if (b[i] != FROM[i]) {
        return false;
      }
    }
    return true;
  }

  private String separatorText() {
    byte[] b = line.toByteArray();
    int n = Math.min(b.length, 1000);
    return new String(b, FROM.length, Math.max(0, n - FROM.length), StandardCharsets.ISO_8859_1);
  }

  private byte[] unquoted(byte[] l) {
    int quotes = 0;
    while (quotes < l.length && l[quotes] == '>') {
      quotes++;
    }
    if (quotes == 0 || (flavour == Flavour.MBOXO && quotes != 1)) {
      return l;
    }
    if (l.length - quotes < FROM.length) {
      return l;
    }
    for (int i = 0; i < FROM.length; i++) {
      if (l[quotes + i] != FROM[i]) {
        return l;
      }
    }
    byte[] out = new byte[l.length - 1];
    System.arraycopy(l, 1, out, 0, out.length);
    return out;
  }

  /**
   * Reads one line into {@link #line} without its LF (and a CR before it). False at the end of the
   * stream with nothing read. A line past {@code maxMessage} octets is consumed but not kept.
   */
  private boolean readLine() throws IOException {
    line.reset();
    lineTooLong = false;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        if (eof || !fill()) {
          return any;
        }
      }
      any = true;
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      int end = pos;
      boolean ended = pos < limit;
      if (ended) {
        pos++;
      }
      if (!lineTooLong) {
        if ((long) line.size() + (end - start) > maxMessage) {
          lineTooLong = true;
          line.reset();
        } else {
          line.write(buffer, start, end - start);
        }
      }
      if (ended) {
        stripCr();
        return true;
      }
    }
  }

  private void stripCr() {
    int n = line.size();
    if (n > 0) {
      byte[] b = line.toByteArray();
      if (b[n - 1] == '\r') {
        line.reset();
        line.write(b, 0, n - 1);
      }
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer);
    if (n <= 0) {
      eof = true;
      pos = 0;
      limit = 0;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}
