package org.fanmail.decorate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * DMARC "wrap": a new {@code multipart/mixed} message from the list that carries the post, byte for
 * byte, as a {@code message/rfc822} part, so the poster's DKIM signature stays valid inside it.
 *
 * <p>The outer header is built from the original: Subject, To, Cc, Date, Message-ID, In-Reply-To,
 * References and Reply-To are carried over byte for byte (threading and replies work as before),
 * and so are the loop markers {@code X-Loop} and {@code List-Id} (the loop rule reads the outer
 * header only: without them two wrapping lists subscribed to each other would pass a post round
 * forever, one level deeper each time; List-Id is then replaced by this list's, as on any copy);
 * From is then munged exactly as {@link FromMunger} does (the same Reply-To / Cc rule); then {@code
 * MIME-Version} and {@code Content-Type}. Nothing else of the original header is on the outer
 * message: no DKIM-Signature, no ARC or Received lines, no Content-* fields. The list handlers run
 * on the outer header afterwards (List-*, prefix, X-Loop).
 *
 * <p>The body: a short {@code text/plain} part naming the list and the authors, then the stored
 * post (our Received line included: what the archive serves) with {@code Content-Transfer-Encoding}
 * {@code 8bit} when it has octets above 127, else {@code 7bit}. The boundary is derived from the
 * post's bytes (the same post always gives the same copy) and checked not to occur in it. Pure.
 */
public final class MessageWrapper {
  /** Original fields the outer message keeps, byte for byte. */
  static final Set<String> CARRIED =
      Set.of(
          "subject",
          "to",
          "cc",
          "date",
          "message-id",
          "in-reply-to",
          "references",
          "reply-to",
          "from",
          "x-loop",
          "list-id");

  /** Authors named in the text part at most (one a line). */
  static final int MAX_AUTHORS_SHOWN = 10;

  private final FromMunger munger = new FromMunger();

  /**
   * The outer message of {@code raw} (header section ending at {@code headerEnd}): its header
   * fields (not yet decorated) and everything after them, starting with the empty line.
   */
  public Wrapped wrap(byte[] raw, int headerEnd, ListIdentity list) {
    HeaderBlock original = HeaderBlock.parse(raw, headerEnd);
    ByteArrayOutputStream carried = new ByteArrayOutputStream();
    for (HeaderField f : original.fields()) {
      if (CARRIED.contains(f.lowerName())) {
        carried.writeBytes(f.raw());
      }
    }
    byte[] c = carried.toByteArray();
    HeaderBlock outer = HeaderBlock.parse(c, c.length);
    List<Mailbox> authors =
        original.fields().stream()
            .filter(f -> f.is("From"))
            .flatMap(f -> Mailboxes.parse(f.value()).stream())
            .toList();
    munger.apply(outer, list);
    outer.remove("X-Original-From");
    String boundary = boundary(raw);
    outer.set("MIME-Version", "1.0");
    outer.set("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
    outer.remove("Content-Transfer-Encoding");

    String note = note(list, authors);
    boolean noteAscii = EncodedWords.isPrintableAscii(note.replace("\r\n", ""));
    boolean eightBit = false;
    for (byte b : raw) {
      if (b < 0) {
        eightBit = true;
        break;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(raw.length + 1024);
    write(body, "\r\nThis is a MIME message: the post is attached.\r\n");
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Type: text/plain; charset=utf-8\r\n");
    write(body, "Content-Transfer-Encoding: " + (noteAscii ? "7bit" : "8bit") + "\r\n\r\n");
    write(body, note);
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Type: message/rfc822\r\n");
    write(body, "Content-Disposition: inline\r\n");
    write(body, "Content-Transfer-Encoding: " + (eightBit ? "8bit" : "7bit") + "\r\n\r\n");
    body.writeBytes(raw);
    write(body, "\r\n--" + boundary + "--\r\n");
    return new Wrapped(outer.toBytes(), body.toByteArray());
  }

  /** The outer message: header fields, then the rest (empty line, MIME body). */
  public record Wrapped(byte[] header, byte[] rest) {}

  private static String note(ListIdentity list, List<Mailbox> authors) {
    StringBuilder out = new StringBuilder();
    out.append("The attached message was posted to ").append(list.address());
    out.append(authors.isEmpty() ? ".\r\n" : " by\r\n");
    int shown = 0;
    for (Mailbox m : authors) {
      if (shown++ == MAX_AUTHORS_SHOWN) {
        out.append("  ...\r\n");
        break;
      }
      out.append("  ").append(m.address()).append("\r\n");
    }
    return out.append("The list forwards it unchanged, as an attachment, so that the sender's\r\n")
        .append("signatures stay valid (their domain publishes a strict DMARC policy,\r\n")
        .append("or the list wraps every post).\r\n")
        .toString();
  }

  /** {@code =_fanmail_} and 32 hex digits of the post's SHA-256, made unique within the post. */
  static String boundary(byte[] raw) {
    String base;
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(raw);
      base = "=_fanmail_" + HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    String b = base;
    for (int i = 1; contains(raw, ("--" + b).getBytes(StandardCharsets.US_ASCII)); i++) {
      b = base + "_" + i;
    }
    return b;
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
