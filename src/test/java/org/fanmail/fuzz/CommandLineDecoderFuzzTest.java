package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.smtp.codec.CommandLineDecoder;
import org.fanmail.smtp.codec.CommandLineDecoder.Line;

/**
 * Fuzzes SMTP command framing. Properties: the decoder agrees line for line with a plain reference
 * model (a line is what precedes each LF; it is good only when it ends in CR, has no other CR and
 * no NUL, and fits in 512 octets with its CRLF), and it gives that same result whether the bytes
 * arrive whole, in fuzzer-chosen pieces, or one at a time. Any exception is a finding.
 */
class CommandLineDecoderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void framing(FuzzedDataProvider data) {
    long seed = data.consumeLong();
    int maxPiece = data.consumeInt(1, 600);
    byte[] input = data.consumeRemainingAsBytes();

    List<String> expected = reference(input);
    assertEquals(expected, decode(List.of(Buffer.buffer(input))), "whole");
    assertEquals(expected, decode(Pieces.cut(input, seed, maxPiece)), "pieces");
    assertEquals(expected, decode(Pieces.cut(input, seed, 1)), "byte by byte");
  }

  private static List<String> decode(List<Buffer> pieces) {
    CommandLineDecoder decoder = new CommandLineDecoder();
    List<String> lines = new ArrayList<>();
    for (Buffer piece : pieces) {
      int at = 0;
      while (at < piece.length()) {
        int n = decoder.feed(piece, at, piece.length() - at);
        if (n <= 0 || n > piece.length() - at) {
          throw new AssertionError("feed consumed " + n + " of " + (piece.length() - at));
        }
        at += n;
        Line line = decoder.take();
        if (line != null) {
          if (line.isMalformed() == (line.text() != null)
              || (line.text() == null) == (line.malformed() == null)) {
            throw new AssertionError("a line is either text or malformed: " + line);
          }
          lines.add(line.text());
        } else if (at < piece.length()) {
          throw new AssertionError("stopped early without a line");
        }
      }
    }
    return lines;
  }

  /** What the framing should produce, written the obvious way; malformed lines as null. */
  private static List<String> reference(byte[] in) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '\n') {
        continue;
      }
      boolean crlf = i > start && in[i - 1] == '\r';
      int textEnd = crlf ? i - 1 : i;
      boolean good = crlf && textEnd - start + 2 <= CommandLineDecoder.MAX_LINE;
      for (int j = start; j < textEnd; j++) {
        good &= in[j] != '\r' && in[j] != 0;
      }
      lines.add(good ? new String(in, start, textEnd - start, StandardCharsets.UTF_8) : null);
      start = i + 1;
    }
    return lines;
  }
}
