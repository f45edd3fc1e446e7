package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderDecorator;
import org.fanmail.decorate.ListIdentity;

/**
 * Fuzzes header decoration of the outgoing copy. Properties: every header field the handlers do not
 * own comes out byte for byte and in its order (a last field without line end gains only CRLF);
 * each List-* header and X-Loop of the list appears once; the decorated header followed by the
 * untouched rest of the message splits at the same place, so the body (everything after the header
 * section) is byte for byte what was received.
 */
class HeaderDecoratorFuzzTest {
  /** Fields some handler may set, replace or remove. */
  private static final Set<String> OWNED =
      Set.of(
          "list-id",
          "list-post",
          "list-help",
          "list-subscribe",
          "list-owner",
          "list-unsubscribe",
          "precedence",
          "subject",
          "reply-to",
          "x-loop");

  private static final ListIdentity PLAIN =
      new ListIdentity(
          "dev@lists.example.org",
          "dev",
          "lists.example.org",
          "Dev list",
          null,
          false,
          "https://lists.example.org/unsubscribe/t");
  private static final ListIdentity PREFIXED =
      new ListIdentity(
          "dev@lists.example.org",
          "dev",
          "lists.example.org",
          "Dev \"quoted\"\r\n list",
          "[dev]",
          true,
          "https://lists.example.org/unsubscribe/t");

  @FuzzTest(maxDuration = "30s")
  void decorate(FuzzedDataProvider data) {
    ListIdentity list = data.consumeBoolean() ? PLAIN : PREFIXED;
    byte[] message = data.consumeRemainingAsBytes();
    int headerEnd = HeaderBlock.split(message);
    assertTrue(headerEnd >= 0 && headerEnd <= message.length);
    byte[] header = new HeaderDecorator().decorate(message, headerEnd, list);
    byte[] rest = java.util.Arrays.copyOfRange(message, headerEnd, message.length);

    byte[] out = new byte[header.length + rest.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(rest, 0, out, header.length, rest.length);
    assertEquals(header.length, HeaderBlock.split(out), "the header section ends where it did");

    List<byte[]> before = unowned(fields(message, headerEnd));
    List<byte[]> after = unowned(fields(header, header.length));
    assertEquals(before.size(), after.size(), "undecorated fields kept");
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "field " + i + " byte for byte");
    }
    List<byte[]> all = fields(header, header.length);
    for (String name : List.of("list-id", "list-post", "list-unsubscribe", "precedence")) {
      assertEquals(1, all.stream().filter(f -> name.equals(name(f))).count(), name + " once");
    }
  }

  /** Reference split into fields: a line and the folded lines after it, raw. */
  private static List<byte[]> fields(byte[] m, int end) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream field = null;
    int lineStart = 0;
    while (lineStart < end) {
      int lineEnd = lineStart;
      while (lineEnd < end && m[lineEnd] != '\n') {
        lineEnd++;
      }
      lineEnd = Math.min(lineEnd + 1, end);
      boolean folded = m[lineStart] == ' ' || m[lineStart] == '\t';
      if (!folded || field == null) {
        if (field != null) {
          out.add(field.toByteArray());
        }
        field = new ByteArrayOutputStream();
      }
      field.write(m, lineStart, lineEnd - lineStart);
      lineStart = lineEnd;
    }
    if (field != null) {
      if (end > 0 && m[end - 1] != '\n') {
        // The one change allowed to a kept field: the line end a header section without one lacks.
        field.write('\r');
        field.write('\n');
      }
      out.add(field.toByteArray());
    }
    return out;
  }

  private static List<byte[]> unowned(List<byte[]> fields) {
    return fields.stream().filter(f -> !OWNED.contains(name(f))).toList();
  }

  private static String name(byte[] field) {
    int colon = 0;
    while (colon < field.length && field[colon] != ':') {
      colon++;
    }
    return new String(field, 0, colon, StandardCharsets.US_ASCII).strip().toLowerCase(Locale.ROOT);
  }
}
