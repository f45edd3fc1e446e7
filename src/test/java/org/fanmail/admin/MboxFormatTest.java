package org.fanmail.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link MboxFormat} alone: separator lines, CRLF to LF, mboxrd quoting, and the same output
 * whatever the slices the bytes arrive in (every split point of every case).
 */
class MboxFormatTest {

  private static String convert(String in, int... splits) throws IOException {
    byte[] bytes = in.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MboxFormat.MessageStream s = new MboxFormat.MessageStream(out);
    int from = 0;
    for (int split : splits) {
      s.write(bytes, from, split - from);
      from = split;
    }
    s.write(bytes, from, bytes.length - from);
    s.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static void check(String in, String expected) throws IOException {
    assertEquals(expected, convert(in), in);
    int n = in.length();
    for (int i = 0; i <= n; i++) {
      assertEquals(expected, convert(in, i), "split at " + i + " of " + in);
      for (int j = i; j <= n; j++) {
        assertEquals(expected, convert(in, i, j), "split at " + i + "," + j + " of " + in);
      }
    }
  }

  @Test
  void quotesFromLinesAtAnyDepth() throws IOException {
    check("From x\r\n", ">From x\n\n");
    check("a\r\nFrom x\r\n>From y\r\n>>From z\r\n", "a\n>From x\n>>From y\n>>>From z\n\n");
    check(">Fro\r\nFrom\r\n>\r\n>>x\r\n", ">Fro\nFrom\n>\n>>x\n\n");
    check(" From x\nFromage\n", " From x\nFromage\n\n");
  }

  @Test
  void lineEndsBecomeLfAndLoneCrStays() throws IOException {
    check("a\r\nb\nc\rd\r\n", "a\nb\nc\rd\n\n");
    check("no newline", "no newline\n\n");
    check("ends with cr\r", "ends with cr\r\n\n");
    check(">>", ">>\n\n");
    check("", "\n");
  }

  @Test
  void separatorUsesSenderOrMailerDaemonAndAsctime() {
    Instant t = Instant.parse("2024-11-05T23:04:05Z");
    assertEquals(
        "From a@b.example Tue Nov  5 23:04:05 2024\n",
        new String(MboxFormat.separator("a@b.example", t), StandardCharsets.ISO_8859_1));
    assertEquals(
        "From MAILER-DAEMON Tue Nov  5 23:04:05 2024\n",
        new String(MboxFormat.separator("", t), StandardCharsets.ISO_8859_1));
    assertEquals(
        "From a_b@c Tue Nov  5 23:04:05 2024\n",
        new String(MboxFormat.separator("a b@c", t), StandardCharsets.ISO_8859_1));
  }
}
