package org.fanmail.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mbox reader on the cases an archive brings: mboxrd quoting undone by one level, mboxo only
 * for a single {@code >}, LF and CRLF files, the separating blank line dropped, text before the
 * first separator skipped, oversized messages and lines refused without being kept, input split
 * into one-byte reads. And the import's choice of a message's time.
 */
class MboxReaderTest {
  private static List<MboxReader.Message> read(String mbox, long max, MboxReader.Flavour f)
      throws IOException {
    return read(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.ISO_8859_1)), max, f);
  }

  private static List<MboxReader.Message> read(InputStream in, long max, MboxReader.Flavour f)
      throws IOException {
    MboxReader r = new MboxReader(in, max, f);
    List<MboxReader.Message> out = new ArrayList<>();
    for (MboxReader.Message m = r.next(); m != null; m = r.next()) {
      out.add(m);
    }
    assertNull(r.next(), "the end stays the end");
    return out;
  }

  private static String text(MboxReader.Message m) {
    return new String(m.raw(), StandardCharsets.ISO_8859_1);
  }

  private static final String TWO =
      "From a@example.test Mon Jan  1 00:00:00 2024\n"
          + "Subject: one\n\n"
          + "body\n"
          + ">From quoted once\n"
          + ">>From quoted twice\n"
          + "> From not a quote\n"
          + "\n"
          + "From b@example.test Tue Jan  2 10:20:30 2024\n"
          + "Subject: two\n\nlast\n\n";

  @Test
  void mboxrdUndoesOneLevelOfQuotingAndDropsTheSeparatingBlankLine() throws IOException {
    List<MboxReader.Message> ms = read(TWO, 1 << 20, MboxReader.Flavour.MBOXRD);
    assertEquals(2, ms.size());
    assertEquals("a@example.test Mon Jan  1 00:00:00 2024", ms.get(0).separator());
    assertEquals(
        "Subject: one\r\n\r\nbody\r\nFrom quoted once\r\n>From quoted twice\r\n"
            + "> From not a quote\r\n",
        text(ms.get(0)));
    assertEquals("Subject: two\r\n\r\nlast\r\n", text(ms.get(1)));
    assertFalse(ms.get(0).tooLarge());
  }

  @Test
  void mboxoOnlyUnquotesASingleQuote() throws IOException {
    List<MboxReader.Message> ms = read(TWO, 1 << 20, MboxReader.Flavour.MBOXO);
    assertTrue(text(ms.get(0)).contains("\r\nFrom quoted once\r\n>>From quoted twice\r\n"));
  }

  @Test
  void crlfFilesAndOneByteReadsGiveTheSameMessages() throws IOException {
    String crlf = TWO.replace("\n", "\r\n");
    byte[] bytes = crlf.getBytes(StandardCharsets.ISO_8859_1);
    InputStream trickle =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(1, len));
          }
        };
    List<MboxReader.Message> a = read(crlf, 1 << 20, MboxReader.Flavour.MBOXRD);
    List<MboxReader.Message> b = read(trickle, 1 << 20, MboxReader.Flavour.MBOXRD);
    List<MboxReader.Message> lf = read(TWO, 1 << 20, MboxReader.Flavour.MBOXRD);
    assertEquals(2, a.size());
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(lf.get(i).raw(), a.get(i).raw());
      assertArrayEquals(lf.get(i).raw(), b.get(i).raw());
    }
  }

  @Test
  void textBeforeTheFirstSeparatorIsNoMessage() throws IOException {
    MboxReader r =
        new MboxReader(
            new ByteArrayInputStream(
                ("garbage\nmore garbage\n" + TWO).getBytes(StandardCharsets.ISO_8859_1)),
            1 << 20,
            MboxReader.Flavour.MBOXRD);
    assertEquals("Subject: one", text(r.next()).lines().findFirst().orElseThrow());
    assertTrue(r.skippedPreamble());
    assertTrue(read("no separator at all\n", 100, MboxReader.Flavour.MBOXRD).isEmpty());
    assertTrue(read("", 100, MboxReader.Flavour.MBOXRD).isEmpty());
  }

  @Test
  void anOversizedMessageOrLineIsReadPastButNotKept() throws IOException {
    String big = "x".repeat(5_000);
    String mbox =
        "From a Mon Jan  1 00:00:00 2024\nSubject: big\n\n"
            + big
            + "\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: many lines\n\n"
            + "yy\n".repeat(2_000)
            + "\nFrom c Mon Jan  1 00:00:00 2024\nSubject: small\n\nok\n";
    List<MboxReader.Message> ms = read(mbox, 1_000, MboxReader.Flavour.MBOXRD);
    assertEquals(3, ms.size());
    assertTrue(ms.get(0).tooLarge());
    assertEquals(0, ms.get(0).raw().length);
    assertTrue(ms.get(1).tooLarge());
    assertFalse(ms.get(2).tooLarge());
    assertEquals("Subject: small\r\n\r\nok\r\n", text(ms.get(2)));
  }

  @Test
  void theSeparatorTimeComesFirstThenTheDateField() {
    assertEquals(
        Instant.parse("2024-01-02T10:20:30Z"),
        MboxImport.date("Fri, 5 Apr 2019 08:00:00 +0200", "b@x Tue Jan  2 10:20:30 2024"));
    assertEquals(
        Instant.parse("2019-04-05T06:00:00Z"),
        MboxImport.date("Fri, 5 Apr 2019 08:00:00 +0200 (CEST)", "b@x no time here"));
    Instant before = Instant.now();
    assertFalse(MboxImport.date("yesterday", "b@x").isBefore(before));
    assertEquals("", MboxImport.envelopeFrom("MAILER-DAEMON Mon Jan  1 00:00:00 2024"));
    assertEquals("a@b", MboxImport.envelopeFrom("a@b Mon Jan  1 00:00:00 2024"));
  }
}
