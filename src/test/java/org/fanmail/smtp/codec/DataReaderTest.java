package org.fanmail.smtp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DATA reading: dot-unstuffing, the terminator, every smuggling variant read to the real CRLF.CRLF,
 * line and size limits, spilling; the same result at every byte boundary.
 */
class DataReaderTest {

  /** The result of reading: outcome, content, bytes consumed. */
  record Read(DataReader.Outcome outcome, String content, long consumed, boolean done) {}

  static Read read(List<Buffer> pieces, long max, int spill) throws IOException {
    try (SpillBuffer sink = new SpillBuffer(spill)) {
      DataReader r = new DataReader(sink, max);
      long consumed = 0;
      for (Buffer b : pieces) {
        if (r.isDone()) {
          break;
        }
        consumed += r.feed(b, 0, b.length());
      }
      String content = "";
      if (r.isDone() && r.outcome() == DataReader.Outcome.OK) {
        try (InputStream in = sink.openStream()) {
          content = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
      }
      return new Read(r.outcome(), content, consumed, r.isDone());
    }
  }

  static Read sameAtEveryBoundary(String input, long max) throws IOException {
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    Read whole = read(List.of(Buffer.buffer(bytes)), max, 1024);
    for (List<Buffer> split : Splits.of(bytes)) {
      assertEquals(whole, read(split, max, 1024), "split into " + split.size());
    }
    return whole;
  }

  @Test
  void undoesDotStuffingAndStopsAtTheTerminator() throws IOException {
    Read r =
        sameAtEveryBoundary("Subject: x\r\n\r\n..dot\r\n.\r\n..\r\nbody\r\n.\r\nMAIL FROM:", 1000);
    assertEquals(DataReader.Outcome.OK, r.outcome());
    assertEquals("Subject: x\r\n\r\n.dot\r\n", r.content());
    assertEquals("Subject: x\r\n\r\n..dot\r\n.\r\n".length(), r.consumed());
  }

  @Test
  void emptyMessage() throws IOException {
    Read r = sameAtEveryBoundary(".\r\nQUIT\r\n", 1000);
    assertEquals("", r.content());
    assertEquals(3, r.consumed());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\n.\nb\r\n.\r\n",
        "a\r.\rb\r\n.\r\n",
        "a\r\n.\nb\r\n.\r\n",
        "a\n.\r\nb\r\n.\r\n",
        "a\r.\nb\r\n.\r\n",
        "a\r\n.\r\rb\r\n.\r\n",
        "a\r\n.\r.\r\n.\r\n",
        "a\n\r.\r\n.\r\n",
        "a\r\r\n.\r\n",
        "\n.\r\n.\r\n"
      })
  void smugglingVariantsNeverEndTheMessageEarly(String variant) throws IOException {
    Read r = sameAtEveryBoundary(variant + "MAIL FROM:<x@y.example>\r\n", 1000);
    assertTrue(r.done());
    assertEquals(DataReader.Outcome.BARE_LINE_ENDING, r.outcome());
    assertEquals(variant.length(), r.consumed(), "the message ends only at the real CRLF.CRLF");
  }

  @Test
  void lineOf1000OctetsIsTheLimit() throws IOException {
    assertEquals(
        DataReader.Outcome.OK, sameAtEveryBoundary("x".repeat(998) + "\r\n.\r\n", 5000).outcome());
    assertEquals(
        DataReader.Outcome.LINE_TOO_LONG,
        sameAtEveryBoundary("x".repeat(999) + "\r\n.\r\n", 5000).outcome());
    // A stuffed dot counts on the wire.
    assertEquals(
        DataReader.Outcome.LINE_TOO_LONG,
        read(List.of(Buffer.buffer(".." + "x".repeat(997) + "\r\n.\r\n")), 5000, 1024).outcome());
  }

  @Test
  void sizeLimitReadsToTheEndButKeepsNothingMore() throws IOException {
    Read r = sameAtEveryBoundary("12345678\r\n.\r\nNEXT", 10);
    assertEquals(DataReader.Outcome.OK, r.outcome());
    r = sameAtEveryBoundary("123456789\r\n.\r\nNEXT", 10);
    assertEquals(DataReader.Outcome.TOO_BIG, r.outcome());
    assertEquals(14, r.consumed());
  }

  @Test
  void spillsPastTheThresholdAndKeepsTheBytes() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      sb.append("line ").append(i).append("\r\n");
    }
    String body = sb.toString();
    try (SpillBuffer sink = new SpillBuffer(1024)) {
      DataReader r = new DataReader(sink, 10_000_000);
      Buffer b = Buffer.buffer(body + ".\r\n");
      for (int pos = 0; pos < b.length(); pos += 777) {
        r.feed(b, pos, Math.min(777, b.length() - pos));
      }
      assertTrue(r.isDone());
      assertTrue(sink.spilled());
      try (InputStream in = sink.openStream()) {
        assertEquals(body, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void hugeGarbageStaysBounded() throws IOException {
    try (SpillBuffer sink = new SpillBuffer(1024)) {
      DataReader r = new DataReader(sink, 100_000);
      Buffer chunk = Buffer.buffer("y".repeat(64 * 1024));
      for (int i = 0; i < 200; i++) {
        r.feed(chunk, 0, chunk.length());
      }
      assertTrue(sink.size() <= 1000, "a line over 1000 octets stops storage at once");
      r.feed(Buffer.buffer("\r\n.\r\n"), 0, 5);
      assertTrue(r.isDone());
      assertEquals(DataReader.Outcome.LINE_TOO_LONG, r.outcome());
    }
  }
}
