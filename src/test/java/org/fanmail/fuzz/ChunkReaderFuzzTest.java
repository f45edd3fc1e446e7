package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.smtp.codec.ChunkReader;
import org.fanmail.smtp.codec.DataReader;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * Fuzzes BDAT chunk reading. Properties: each chunk consumes exactly its announced octets and not
 * one byte of what follows it (the next command); an accepted text message has no bare CR or LF and
 * no line over 1000 octets, a message with one is refused, whatever the chunk boundaries; an
 * accepted message is exactly the concatenated chunks and within the size limit; the verdict and
 * content do not depend on how the bytes of a chunk arrive.
 */
class ChunkReaderFuzzTest {

  /** The reader's verdict and what it kept. */
  record Read(DataReader.Outcome outcome, byte[] content) {}

  @FuzzTest(maxDuration = "30s")
  void chunks(FuzzedDataProvider data) throws IOException {
    boolean binary = data.consumeBoolean();
    long seed = data.consumeLong();
    int maxPiece = data.consumeInt(1, 64);
    long maxSize = data.consumeLong(0, 4096);
    int chunkCount = data.consumeInt(1, 8);
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < chunkCount - 1; i++) {
      sizes.add(data.consumeInt(0, 300));
    }
    byte[] payload = data.consumeRemainingAsBytes();
    List<byte[]> chunks = new ArrayList<>();
    int at = 0;
    for (int size : sizes) {
      int n = Math.min(size, payload.length - at);
      chunks.add(java.util.Arrays.copyOfRange(payload, at, at + n));
      at += n;
    }
    chunks.add(java.util.Arrays.copyOfRange(payload, at, payload.length));

    Read whole = read(chunks, maxSize, binary, 0, 1 << 20);
    Read pieces = read(chunks, maxSize, binary, seed == 0 ? 1 : seed, 16);
    assertEquals(whole.outcome(), pieces.outcome(), "outcome for any split");
    assertArrayEquals(whole.content(), pieces.content(), "content for any split");

    if (!binary && !Pieces.onlyCrlf(payload, 0, payload.length)) {
      assertEquals(DataReader.Outcome.BARE_LINE_ENDING, whole.outcome(), "bare CR/LF refused");
    }
    if (whole.outcome() != DataReader.Outcome.OK) {
      return;
    }
    assertArrayEquals(payload, whole.content(), "accepted message is the chunks");
    assertTrue(payload.length <= maxSize, "size limit");
    if (!binary) {
      int lineStart = 0;
      for (int i = 0; i < payload.length; i++) {
        if (payload[i] == '\n') {
          assertTrue(i + 1 - lineStart <= DataReader.MAX_TEXT_LINE, "line limit");
          lineStart = i + 1;
        }
      }
      assertTrue(payload.length - lineStart <= DataReader.MAX_TEXT_LINE, "last line limit");
    }
  }

  /** Reads the chunks; {@code seed} 0 feeds each chunk whole, with the next command behind it. */
  static Read read(List<byte[]> chunks, long maxSize, boolean binary, long seed, int spill)
      throws IOException {
    byte[] next = "RSET\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (SpillBuffer sink = new SpillBuffer(spill)) {
      ChunkReader reader = new ChunkReader(sink, maxSize, binary);
      for (byte[] chunk : chunks) {
        reader.startChunk(chunk.length, false);
        byte[] wire = new byte[chunk.length + next.length];
        System.arraycopy(chunk, 0, wire, 0, chunk.length);
        System.arraycopy(next, 0, wire, chunk.length, next.length);
        List<Buffer> pieces =
            seed == 0 ? List.of(Buffer.buffer(wire)) : Pieces.cut(wire, seed, 1 + chunk.length);
        long consumed = 0;
        for (Buffer piece : pieces) {
          if (reader.chunkDone()) {
            break;
          }
          int n = reader.feed(piece, 0, piece.length());
          assertTrue(n >= 0 && n <= piece.length(), "feed consumed " + n);
          consumed += n;
        }
        assertTrue(reader.chunkDone(), "chunk read");
        assertEquals(chunk.length, consumed, "exactly the announced octets");
      }
      DataReader.Outcome outcome = reader.outcome(true);
      byte[] content = new byte[0];
      if (outcome == DataReader.Outcome.OK) {
        try (InputStream in = sink.openStream()) {
          content = in.readAllBytes();
        }
      }
      return new Read(outcome, content);
    }
  }
}
