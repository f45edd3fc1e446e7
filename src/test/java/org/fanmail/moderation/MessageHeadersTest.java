package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Header parsing for the rules: unfolding, case-insensitive names, junk lines, and the bounds. */
class MessageHeadersTest {
  static MessageHeaders of(String s) throws IOException {
    return MessageHeaders.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void unfoldsAndComparesNamesCaseInsensitively() throws IOException {
    MessageHeaders h =
        of(
            "Subject: hello\r\n  world\r\nLIST-ID: A <a.l.example>\r\nlist-id: B\r\n\r\nBody: no\r\n");
    assertEquals(Optional.of("hello  world"), h.first("subject"));
    assertEquals(List.of("A <a.l.example>", "B"), h.all("List-Id"));
    assertEquals(Optional.empty(), h.first("Body"));
  }

  @Test
  void skipsJunkAndToleratesBareLf() throws IOException {
    MessageHeaders h = of("no colon here\nFrom: Joe <Joe@X.Example>\n\n");
    assertEquals(1, h.fields().size());
    assertEquals(Optional.of("joe@x.example"), MessageHeaders.addressOf(h.first("From").get()));
  }

  @Test
  void boundedByFieldCountAndBytes() throws IOException {
    String many = "X-A: 1\r\n".repeat(20_000) + "Subject: late\r\n\r\n";
    MessageHeaders h = of(many);
    assertEquals(MessageHeaders.MAX_FIELDS, h.fields().size());
    assertEquals(Optional.empty(), h.first("Subject"));
    String huge = "X-B: " + "y".repeat(3 * 1024 * 1024) + "\r\nSubject: late\r\n\r\n";
    assertEquals(Optional.empty(), of(huge).first("Subject"));
  }

  @Test
  void completeOnlyWhenNoFieldWasLeftUnseen() throws IOException {
    String fields = "X-A: 1\r\n".repeat(MessageHeaders.MAX_FIELDS - 1);
    assertTrue(of(fields + "From: a@b.example\r\n\r\nbody\r\n").complete(), "exactly the bound");
    assertTrue(of(fields + "From: a@b.example\r\n").complete(), "no body");
    assertTrue(of("\r\nbody\r\n").complete(), "no header");
    assertFalse(of(fields + "X-B: 2\r\nFrom: a@b.example\r\n\r\n").complete(), "one field more");
    String big = "X-C: " + "z".repeat(MessageHeaders.MAX_BYTES) + "\r\n\r\n";
    assertFalse(of(big).complete(), "past the byte bound");
    String folded = "X-D: a\r\n" + " b\r\n".repeat(MessageHeaders.MAX_BYTES / 4) + "\r\n";
    assertFalse(of(folded).complete(), "folded past the byte bound");
  }
}
