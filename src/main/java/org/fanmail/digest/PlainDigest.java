package org.fanmail.digest;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The plain-text form of an issue, RFC 1153: a preamble with the table of contents, a line of 70
 * hyphens, then each post as its Date, From, To, Cc, Subject and Message-ID fields (decoded to
 * text), a blank line and its text parts ({@link PlainTextParts}: attachments named, not inlined),
 * posts separated by a blank line, 30 hyphens and a blank line; the trailer {@code End of <title>}
 * over a line of asterisks. A body line that starts with 30 hyphens gets a leading space, so no
 * post can forge a separator. UTF-8, 8bit. Pure.
 */
final class PlainDigest {
  static final String PREAMBLE_SEPARATOR = "-".repeat(70);
  static final String MESSAGE_SEPARATOR = "-".repeat(30);

  private static final String[] FIELDS = {"Date", "From", "To", "Cc", "Subject", "Message-ID"};

  private PlainDigest() {}

  static byte[] build(IssueHeading heading, List<DigestEntry> entries) {
    StringBuilder out = new StringBuilder();
    out.append(heading.commonFields("plain"));
    out.append("Content-Type: text/plain; charset=utf-8\r\n");
    out.append("Content-Transfer-Encoding: 8bit\r\n\r\n");
    out.append(heading.title()).append("\r\n\r\n");
    out.append(heading.tableOfContents(entries)).append("\r\n");
    out.append(PREAMBLE_SEPARATOR).append("\r\n");
    for (int i = 0; i < entries.size(); i++) {
      DigestEntry e = entries.get(i);
      if (i > 0) {
        out.append("\r\n").append(MESSAGE_SEPARATOR).append("\r\n");
      }
      out.append("\r\n");
      for (String name : FIELDS) {
        String v = e.field(name);
        if (!v.isEmpty()) {
          out.append(name).append(": ").append(v.replaceAll("[\\r\\n]+", " ")).append("\r\n");
        }
      }
      out.append("\r\n");
      out.append(stuffed(PlainTextParts.of(e.message(), e.headerEnd())));
    }
    out.append("\r\n").append(MESSAGE_SEPARATOR).append("\r\n\r\n");
    String end = "End of " + heading.title();
    out.append(end).append("\r\n").append("*".repeat(end.length())).append("\r\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The text with CRLF line ends, ending in one, and no line that reads as a separator. */
  private static String stuffed(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\r\n|\r|\n", -1)) {
      if (line.startsWith(MESSAGE_SEPARATOR)) {
        b.append(' ');
      }
      b.append(line).append("\r\n");
    }
    String s = b.toString();
    while (s.endsWith("\r\n\r\n")) {
      s = s.substring(0, s.length() - 2);
    }
    return s;
  }
}
