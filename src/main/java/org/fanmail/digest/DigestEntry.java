package org.fanmail.digest;

import org.fanmail.decorate.EncodedWords;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;

/**
 * One post of an issue, as members of the list received it (decorated header, the stored body),
 * with the fields the table of contents and the RFC 1153 form show, decoded to text.
 *
 * @param postId the post
 * @param message the whole message, header and body, CRLF line ends
 * @param headerEnd where its header section ends (the empty line starts there)
 */
record DigestEntry(long postId, byte[] message, int headerEnd) {

  /** Longest subject or sender shown in a table of contents line. */
  private static final int MAX_SHOWN = 200;

  /** The decoded value of the first {@code name} field, or "" when there is none. */
  String field(String name) {
    return HeaderBlock.parse(message, headerEnd)
        .first(name)
        .map(HeaderField::value)
        .map(EncodedWords::decodeText)
        .orElse("");
  }

  /** The subject for a table of contents line. */
  String shownSubject() {
    String s = field("Subject");
    return shorten(s.isBlank() ? "(no subject)" : s);
  }

  /** The sender for a table of contents line: the display name when there is one. */
  String shownFrom() {
    String from = field("From");
    int lt = from.indexOf('<');
    String name = lt > 0 ? from.substring(0, lt).strip() : from;
    if (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1);
    }
    return shorten(name.isBlank() ? from : name);
  }

  /** Whether any octet has the high bit set (the part then declares 8bit). */
  boolean eightBit() {
    for (byte b : message) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  /** The body, after the empty line, as bytes. */
  byte[] body() {
    int start = headerEnd;
    if (start + 1 < message.length && message[start] == '\r' && message[start + 1] == '\n') {
      start += 2;
    } else if (start < message.length && message[start] == '\n') {
      start += 1;
    }
    byte[] b = new byte[message.length - start];
    System.arraycopy(message, start, b, 0, b.length);
    return b;
  }

  private static String shorten(String s) {
    String one = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return one.length() <= MAX_SHOWN ? one : one.substring(0, MAX_SHOWN) + "...";
  }
}
