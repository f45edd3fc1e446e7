package org.fanmail.smtp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BDAT chunks: exact octet counts, no unstuffing, bare line endings refused in text mode across
 * chunk boundaries, the size limit across chunks; the same result at every byte boundary.
 */
class ChunkReaderTest {

  record Read(DataReader.Outcome outcome, String content, int consumed) {}

  /** Reads one chunk of {@code size} from the pieces; the rest of the input is left over. */
  static Read read(List<Buffer> pieces, int size, boolean binary, long max) throws IOException {
    try (SpillBuffer sink = new SpillBuffer(16)) {
      ChunkReader r = new ChunkReader(sink, max, binary);
      r.startChunk(size, false);
      int consumed = 0;
      for (Buffer b : pieces) {
        consumed += r.feed(b, 0, b.length());
      }
      DataReader.Outcome o = r.outcome(true);
      String content;
      try (InputStream in = sink.openStream()) {
        content = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      }
      return new Read(o, o == DataReader.Outcome.OK ? content : "", consumed);
    }
  }

  static Read sameAtEveryBoundary(String input, int size, boolean binary, long max)
      throws IOException {
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    Read whole = read(List.of(Buffer.buffer(bytes)), size, binary, max);
    for (List<Buffer> split : Splits.of(bytes)) {
      assertEquals(whole, read(split, size, binary, max));
    }
    return whole;
  }

  @Test
  void readsExactlyTheAnnouncedOctetsWithoutUnstuffing() throws IOException {
    Read r = sameAtEveryBoundary("Subject: x\r\n\r\n..\r\n.\r\nQUIT\r\n", 21, false, 1000);
    assertEquals(new Read(DataReader.Outcome.OK, "Subject: x\r\n\r\n..\r\n.\r\n", 21), r);
  }

  @Test
  void textChunksRefuseBareLineEndingsAcrossBoundaries() throws IOException {
    assertEquals(
        DataReader.Outcome.BARE_LINE_ENDING,
        sameAtEveryBoundary("a\nb\r\n", 5, false, 1000).outcome());
    assertEquals(
        DataReader.Outcome.BARE_LINE_ENDING, sameAtEveryBoundary("a\r", 2, false, 1000).outcome());
    assertEquals(DataReader.Outcome.OK, sameAtEveryBoundary("a\nb\r\0", 5, true, 1000).outcome());
  }

  @Test
  void sizeLimitAcrossChunks() throws IOException {
    try (SpillBuffer sink = new SpillBuffer(16)) {
      ChunkReader r = new ChunkReader(sink, 10, true);
      r.startChunk(6, false);
      r.feed(Buffer.buffer("123456"), 0, 6);
      assertEquals(DataReader.Outcome.OK, r.outcome(false));
      r.startChunk(6, false);
      assertEquals(6, r.feed(Buffer.buffer("7890ab"), 0, 6));
      assertEquals(DataReader.Outcome.TOO_BIG, r.outcome(true));
      assertEquals(6, sink.size());
    }
  }
}
