package org.fanmail.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.MimeConfig;
import org.fanmail.decorate.HeaderBlock;
import org.junit.jupiter.api.Test;

/**
 * The two forms of an issue, built from known posts and read back: the MIME form by Apache mime4j
 * (an independent parser) into each post, parsed the same as the post on its own, in order, after a
 * text/plain table of contents; the plain form line by line against RFC 1153 (table of contents, 70
 * hyphens after the preamble, 30 between posts, selected fields, text parts only, attachments
 * named, a body line that looks like a separator stuffed, the trailer).
 */
class DigestFormsTest {

  static final IssueHeading HEADING =
      new IssueHeading(
          "Dev",
          "dev@lists.test",
          "dev",
          "lists.test",
          2,
          7,
          ZonedDateTime.of(2026, 12, 6, 12, 0, 0, 0, ZoneOffset.UTC));

  static DigestEntry entry(long id, String message) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    return new DigestEntry(id, b, HeaderBlock.split(b));
  }

  static List<DigestEntry> posts() {
    return List.of(
        entry(
            1,
            "From: Ann Example <ann@a.test>\r\nTo: dev@lists.test\r\nSubject: [dev] First"
                + " post\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\nMessage-ID: <one@a.test>\r\n"
                + "List-Id: <dev.lists.test>\r\n\r\nHello all.\r\n------------------------------\r\n"
                + "That line was a separator.\r\n"),
        entry(
            2,
            "From: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@b.test>\r\nSubject: [dev] =?UTF-8?Q?Caf=C3=A9?="
                + "\r\nMessage-ID: <two@b.test>\r\nMIME-Version: 1.0\r\nContent-Type:"
                + " multipart/mixed; boundary=\"XX\"\r\n\r\npreamble\r\n--XX\r\nContent-Type:"
                + " text/plain; charset=utf-8\r\nContent-Transfer-Encoding:"
                + " quoted-printable\r\n\r\nCaf=C3=A9 au lait.\r\n--XX\r\nContent-Type:"
                + " application/pdf; name=\"notes.pdf\"\r\nContent-Transfer-Encoding:"
                + " base64\r\nContent-Disposition: attachment; filename=\"notes.pdf\"\r\n\r\n"
                + "JVBERi0xLjQK\r\n--XX--\r\n"),
        entry(
            3,
            "From: carol@c.test\r\nSubject: [dev] Third\r\nMessage-ID: <three@c.test>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;"
                + " boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\nPlain"
                + " words.\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>Html"
                + " words.</p>\r\n--alt--\r\n"));
  }

  @Test
  void mimeFormReadsBackIntoTheOriginalMessagesInOrder() throws Exception {
    List<DigestEntry> posts = posts();
    byte[] digest = MimeDigest.build(HEADING, posts);
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
    Message m = builder.parseMessage(new ByteArrayInputStream(digest));
    assertEquals("Dev Digest, Vol 2, Issue 7", m.getSubject());
    assertEquals("multipart/mixed", m.getMimeType());
    assertEquals("dev-request@lists.test", m.getFrom().get(0).getAddress());
    Multipart mixed = (Multipart) m.getBody();
    assertEquals(2, mixed.getBodyParts().size());
    assertEquals("text/plain", mixed.getBodyParts().get(0).getMimeType());
    String toc = text((TextBody) mixed.getBodyParts().get(0).getBody());
    assertTrue(toc.contains("Today's Topics:"), toc);
    assertTrue(toc.contains("  1. [dev] First post (Ann Example)"), toc);
    assertTrue(toc.contains("  2. [dev] Café (Björn)"), toc);
    assertTrue(toc.contains("  3. [dev] Third (carol@c.test)"), toc);
    assertEquals("multipart/digest", mixed.getBodyParts().get(1).getMimeType());
    Multipart digestPart = (Multipart) mixed.getBodyParts().get(1).getBody();
    assertEquals(3, digestPart.getBodyParts().size());
    for (int i = 0; i < posts.size(); i++) {
      var part = digestPart.getBodyParts().get(i);
      assertEquals("message/rfc822", part.getMimeType());
      Message embedded = (Message) part.getBody();
      Message original = builder.parseMessage(new ByteArrayInputStream(posts.get(i).message()));
      assertEquals(original.getMessageId(), embedded.getMessageId());
      // mime4j writes a parsed message back in its own encoding (quoted-printable and base64
      // parts re-encoded): the post as parsed on its own and as parsed out of the digest are
      // written the same, byte for byte.
      assertArrayEquals(
          written(original), written(embedded), "part " + (i + 1) + " is the post as parsed");
    }
  }

  @Test
  void plainFormFollowsRfc1153() {
    String plain = new String(PlainDigest.build(HEADING, posts()), StandardCharsets.UTF_8);
    int bodyStart = plain.indexOf("\r\n\r\n") + 4;
    assertTrue(plain.substring(0, bodyStart).contains("Content-Type: text/plain; charset=utf-8"));
    List<String> lines = Arrays.asList(plain.substring(bodyStart).split("\r\n", -1));
    assertEquals("Dev Digest, Vol 2, Issue 7", lines.get(0));
    int toc = lines.indexOf("Today's Topics:");
    assertTrue(toc > 0, plain);
    assertEquals("    1. [dev] First post (Ann Example)", lines.get(toc + 2));
    String seventy = "-".repeat(70);
    String thirty = "-".repeat(30);
    assertEquals(1, lines.stream().filter(seventy::equals).count(), plain);
    int preambleEnd = lines.indexOf(seventy);
    assertTrue(preambleEnd > toc + 4);
    // One separator after each post: between posts and before the trailer, blank line each side.
    List<Integer> separators = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals(thirty)) {
        separators.add(i);
        assertEquals("", lines.get(i - 1), "blank line before the separator at " + i);
        assertEquals("", lines.get(i + 1), "blank line after the separator at " + i);
      }
    }
    assertEquals(3, separators.size(), plain);
    // Each message: the selected fields, a blank line, the text.
    assertEquals("", lines.get(preambleEnd + 1));
    assertEquals("Date: Sun, 6 Dec 2026 10:00:00 +0000", lines.get(preambleEnd + 2));
    assertEquals("From: Ann Example <ann@a.test>", lines.get(preambleEnd + 3));
    assertTrue(plain.contains("\r\nSubject: [dev] Café\r\n"), plain);
    assertFalse(plain.contains("List-Id"), "only the selected fields");
    assertTrue(plain.contains("\r\n ------------------------------\r\nThat line"), "stuffed");
    assertTrue(plain.contains("\r\nCafé au lait.\r\n"), "quoted-printable decoded");
    assertTrue(
        plain.contains("[Attachment: notes.pdf (application/pdf, 9 bytes), not included]"), plain);
    assertTrue(plain.contains("\r\nPlain words.\r\n"), plain);
    assertFalse(plain.contains("Html words"), "of an alternative, the plain part only");
    String end = "End of Dev Digest, Vol 2, Issue 7";
    assertEquals(end, lines.get(separators.get(2) + 2));
    assertEquals("*".repeat(end.length()), lines.get(separators.get(2) + 3));
  }

  private static byte[] written(Message m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DefaultMessageWriter().writeMessage(m, out);
    return out.toByteArray();
  }

  private static String text(TextBody body) throws Exception {
    return new String(body.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
