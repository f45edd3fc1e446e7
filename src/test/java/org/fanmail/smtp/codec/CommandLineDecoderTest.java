package org.fanmail.smtp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Command-line framing: CRLF only, 512 octets, bare LF/CR and NUL refused with resync, the same
 * lines at every byte boundary, bounded memory on a huge line.
 */
class CommandLineDecoderTest {

  /** Decodes all lines of the pieces; a malformed line is rendered as "!reason". */
  static List<String> decode(List<Buffer> pieces) {
    CommandLineDecoder d = new CommandLineDecoder();
    List<String> out = new ArrayList<>();
    for (Buffer b : pieces) {
      int pos = 0;
      while (pos < b.length()) {
        pos += d.feed(b, pos, b.length() - pos);
        CommandLineDecoder.Line l = d.take();
        if (l != null) {
          out.add(l.isMalformed() ? "!" + l.malformed() : l.text());
        }
      }
    }
    return out;
  }

  static void sameAtEveryBoundary(String input, List<String> expected) {
    for (List<Buffer> split : Splits.of(input.getBytes(StandardCharsets.ISO_8859_1))) {
      assertEquals(expected, decode(split), "split " + split.size());
    }
  }

  @Test
  void framesCrlfLines() {
    sameAtEveryBoundary(
        "EHLO a.example\r\nMAIL FROM:<a@b.example>\r\n\r\nQUIT\r\nPARTIAL",
        List.of("EHLO a.example", "MAIL FROM:<a@b.example>", "", "QUIT"));
  }

  @Test
  void bareLfAndBareCrAreMalformedAndResync() {
    sameAtEveryBoundary(
        "NOOP\nNOOP x\ry\r\nNOOP\r\r\nRSET\r\n",
        List.of(
            "!Bare LF in command line",
            "!Bare CR in command line",
            "!Bare CR in command line",
            "RSET"));
  }

  @Test
  void nulIsMalformed() {
    sameAtEveryBoundary("NO\0OP\r\nNOOP\r\n", List.of("!NUL in command line", "NOOP"));
  }

  @Test
  void lineOf512OctetsIsTheLimit() {
    String ok = "N".repeat(510);
    String tooLong = "N".repeat(511);
    sameAtEveryBoundary(
        ok + "\r\n" + tooLong + "\r\nQUIT\r\n", List.of(ok, "!Line too long", "QUIT"));
  }

  @Test
  void hugeLineNeverHeldAndResyncs() {
    String huge = "X".repeat(200_000);
    assertEquals(
        List.of("!Line too long", "QUIT"), decode(List.of(Buffer.buffer(huge + "\r\nQUIT\r\n"))));
  }

  @Test
  void stopsRightAfterTheLine() {
    CommandLineDecoder d = new CommandLineDecoder();
    Buffer b = Buffer.buffer("DATA\r\nSubject: x\r\n");
    assertEquals(6, d.feed(b, 0, b.length()));
    assertEquals("DATA", d.take().text());
  }
}
