package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.fanmail.moderation.MessageHeaders;

/**
 * Fuzzes the bounded header reader. Properties: it never throws on content; it reads no further
 * than the empty line that ends the header section and never more than {@link
 * MessageHeaders#MAX_BYTES}; it keeps at most {@link MessageHeaders#MAX_FIELDS} fields; every field
 * has a non-empty name without colon or white space and a trimmed value; {@code first} and {@code
 * all} agree. The second target repeats a fuzzer-chosen line up to a million times so the bounds
 * themselves are reached.
 */
class MessageHeadersFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void headerSection(FuzzedDataProvider data) throws IOException {
    byte[] message = data.consumeRemainingAsBytes();
    Counting in = new Counting(new ByteArrayInputStream(message));
    MessageHeaders headers = MessageHeaders.read(in);
    int blank = endOfEmptyLine(message);
    assertTrue(in.count <= (blank < 0 ? message.length : blank), "read past the empty line");
    check(headers, in.count);
  }

  @FuzzTest(maxDuration = "30s")
  void bounds(FuzzedDataProvider data) throws IOException {
    int repeat = data.consumeInt(0, 1_200_000);
    byte[] unit = data.consumeRemainingAsBytes();
    if (unit.length == 0) {
      return;
    }
    long total = (long) unit.length * repeat;
    Counting in =
        new Counting(
            new InputStream() {
              long at;

              @Override
              public int read() {
                return at < total ? unit[(int) (at++ % unit.length)] & 0xff : -1;
              }
            });
    MessageHeaders headers = MessageHeaders.read(in);
    check(headers, in.count);
  }

  private static void check(MessageHeaders headers, long consumed) {
    assertTrue(consumed <= MessageHeaders.MAX_BYTES, "read " + consumed + " bytes");
    assertTrue(headers.fields().size() <= MessageHeaders.MAX_FIELDS, "too many fields");
    for (MessageHeaders.Field f : headers.fields()) {
      String name = f.name();
      assertTrue(!name.isEmpty() && name.indexOf(':') < 0, "name " + name);
      assertTrue(name.chars().noneMatch(Character::isWhitespace), "white space in name " + name);
      assertEquals(f.value().trim(), f.value());
      assertEquals(headers.first(name).orElseThrow(), headers.all(name).get(0));
    }
  }

  /** Offset just after the first empty line (LF LF or LF CR LF), or -1. */
  private static int endOfEmptyLine(byte[] m) {
    int lineStart = 0;
    for (int i = 0; i < m.length; i++) {
      if (m[i] == '\n') {
        int len = i - lineStart;
        if (len == 0 || (len == 1 && m[lineStart] == '\r')) {
          return i + 1;
        }
        lineStart = i + 1;
      }
    }
    return -1;
  }

  /** Counts the bytes the reader takes. */
  private static final class Counting extends InputStream {
    private final InputStream in;
    long count;

    Counting(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }
  }
}
