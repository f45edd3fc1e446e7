package org.fanmail.digest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The MIME form of an issue (RFC 2046 section 5.1.5): {@code multipart/mixed} holding a text/plain
 * table of contents and a {@code multipart/digest} of one {@code message/rfc822} part per post, in
 * the order the posts were accepted, each byte for byte as members received it (the CRLF before
 * each delimiter is the delimiter's, so a message's own last line end stays its own and a parser
 * gives back the message exactly). Boundaries are random (a UUID each), so no post can contain one.
 * Pure.
 */
final class MimeDigest {
  private MimeDigest() {}

  static byte[] build(IssueHeading heading, List<DigestEntry> entries) {
    String outer = "=_fanmail-digest-" + UUID.randomUUID();
    String inner = "=_fanmail-posts-" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, heading.commonFields("mime"));
    write(out, "Content-Type: multipart/mixed;\r\n boundary=\"" + outer + "\"\r\n\r\n");
    write(out, "This is a MIME digest: " + ascii(heading.title()) + ".\r\n");
    write(out, "\r\n--" + outer + "\r\n");
    write(out, "Content-Type: text/plain; charset=utf-8\r\n");
    write(out, "Content-Transfer-Encoding: 8bit\r\n");
    write(out, "Content-Description: Today's Topics (" + entries.size() + " messages)\r\n\r\n");
    write(out, heading.title() + "\r\n\r\n" + heading.tableOfContents(entries));
    write(out, "\r\n--" + outer + "\r\n");
    write(out, "Content-Type: multipart/digest;\r\n boundary=\"" + inner + "\"\r\n");
    for (DigestEntry e : entries) {
      write(out, "\r\n--" + inner + "\r\n");
      write(out, "Content-Type: message/rfc822\r\n");
      if (e.eightBit()) {
        write(out, "Content-Transfer-Encoding: 8bit\r\n");
      }
      write(out, "\r\n");
      out.writeBytes(e.message());
    }
    write(out, "\r\n--" + inner + "--\r\n");
    write(out, "\r\n--" + outer + "--\r\n");
    return out.toByteArray();
  }

  private static String ascii(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
