package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.fanmail.delivery.DotStuffing;
import org.fanmail.smtp.codec.DataReader;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * Fuzzes DATA reading. Properties: the reader stops exactly after the first real {@code
 * <CRLF>.<CRLF>} and nowhere else (so no smuggling variant makes two messages of one DATA); an
 * accepted message has no bare CR or LF, no line over 1000 octets and no more than the size limit,
 * and equals the reference unstuffing of the wire bytes; the verdict is the same for any split of
 * the input and whether or not the buffer spills to disk; an accepted message dot-stuffed again (by
 * the delivery side's {@link DotStuffing}) reads back to itself.
 */
class DataReaderFuzzTest {
  private static final byte[] END = {'\r', '\n', '.', '\r', '\n'};

  /** The reader's result over one sequence of pieces. */
  record Read(DataReader.Outcome outcome, boolean done, long consumed, byte[] content) {}

  @FuzzTest(maxDuration = "30s")
  void dataSection(FuzzedDataProvider data) throws IOException {
    long seed = data.consumeLong();
    int maxPiece = data.consumeInt(1, 64);
    long maxSize = data.consumeLong(0, 4096);
    byte[] wire = data.consumeRemainingAsBytes();

    Read whole = read(List.of(Buffer.buffer(wire)), maxSize, 1 << 20);
    Read pieces = read(Pieces.cut(wire, seed, maxPiece), maxSize, 16);
    assertEquals(whole.outcome(), pieces.outcome(), "outcome for any split");
    assertEquals(whole.done(), pieces.done());
    assertEquals(whole.consumed(), pieces.consumed());
    assertArrayEquals(whole.content(), pieces.content(), "content for any split and spill");

    // The 354 reply stands for the CRLF before the first line.
    byte[] framed = new byte[wire.length + 2];
    framed[0] = '\r';
    framed[1] = '\n';
    System.arraycopy(wire, 0, framed, 2, wire.length);
    int end = Pieces.indexOf(framed, END, 0);
    if (end < 0) {
      assertTrue(!whole.done() && whole.consumed() == wire.length, "no terminator, no message");
      return;
    }
    long terminatorEnd = end + END.length - 2;
    assertTrue(whole.done(), "terminator read");
    assertEquals(terminatorEnd, whole.consumed(), "stops right after the first CRLF.CRLF");

    // The message on the wire, its last CRLF included, without the 354 CRLF.
    int messageEnd = end == 0 ? 2 : end + 2;
    boolean clean = Pieces.onlyCrlf(framed, 2, messageEnd);
    if (!clean) {
      assertEquals(DataReader.Outcome.BARE_LINE_ENDING, whole.outcome(), "bare CR/LF refused");
    }
    if (whole.outcome() != DataReader.Outcome.OK) {
      return;
    }
    byte[] content = whole.content();
    assertTrue(clean && Pieces.onlyCrlf(content, 0, content.length), "no bare CR/LF accepted");
    assertTrue(content.length <= maxSize, "size limit");
    assertArrayEquals(unstuff(framed, 2, messageEnd), content, "reference unstuffing");
    int lineStart = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        assertTrue(i + 1 - lineStart <= DataReader.MAX_TEXT_LINE, "line limit");
        lineStart = i + 1;
      }
    }

    byte[] restuffed = DotStuffing.stuff(content);
    Read again = read(List.of(Buffer.buffer(restuffed)), maxSize, 1 << 20);
    assertEquals(DataReader.Outcome.OK, again.outcome(), "re-stuffed message accepted");
    assertEquals(restuffed.length, again.consumed(), "re-stuffed message ends at its end");
    assertArrayEquals(content, again.content(), "round trip");
  }

  static Read read(List<Buffer> pieces, long maxSize, int spill) throws IOException {
    try (SpillBuffer sink = new SpillBuffer(spill)) {
      DataReader reader = new DataReader(sink, maxSize);
      long consumed = 0;
      for (Buffer piece : pieces) {
        if (reader.isDone()) {
          break;
        }
        int n = reader.feed(piece, 0, piece.length());
        if (n < 0 || n > piece.length() || (n < piece.length() && !reader.isDone())) {
          throw new AssertionError("feed consumed " + n + " of " + piece.length());
        }
        consumed += n;
      }
      assertEquals(consumed, reader.wireBytes(), "wireBytes counts what was consumed");
      byte[] content = new byte[0];
      if (reader.isDone() && reader.outcome() == DataReader.Outcome.OK) {
        try (InputStream in = sink.openStream()) {
          content = in.readAllBytes();
        }
        assertEquals(sink.size(), content.length);
      }
      return new Read(reader.outcome(), reader.isDone(), consumed, content);
    }
  }

  /** Lines between {@code from} and {@code to}, each with one leading dot removed. */
  private static byte[] unstuff(byte[] b, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean lineStart = true;
    for (int i = from; i < to; i++) {
      if (!(lineStart && b[i] == '.')) {
        out.write(b[i]);
      }
      lineStart = b[i] == '\n';
    }
    return out.toByteArray();
  }
}
