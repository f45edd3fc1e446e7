package org.fanmail.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fanmail.delivery.RecipientOutcome.Recipient;

/**
 * A post as it goes out: the decorated header block followed by the stored bytes after the original
 * header block, already dot-stuffed with its final dot ({@code wire}), built once per post and
 * shared by all its transactions.
 *
 * <p>A personalized post ({@code personal} not null) has one transaction per recipient: {@code
 * wire} is then only the shared header block (dot-stuffed, no final dot), the recipient's own
 * fields come from {@link Personalization#fieldsFor} and the shared rest (body and final dot) from
 * {@link Personalization#tail}. {@link #dataFor} joins the three without copying, so a large body
 * is never copied per recipient.
 *
 * @param postId the post
 * @param wire the DATA bytes to write after 354 (personalized: the shared header part)
 * @param size octets of the message before dot-stuffing (declared in SIZE=; personalized: without
 *     the recipient's own fields)
 * @param eightBit true when any octet is above 127 (BODY=8BITMIME)
 * @param needsSmtpUtf8 true when the header block carries raw UTF-8 (RFC 6532)
 * @param envelopeSender {@code list-bounces@domain}
 * @param receivedAt when the post was received (max-age and latency count from here)
 * @param personal the per-recipient parts, or null for a shared copy
 */
public record PreparedMessage(
    long postId,
    byte[] wire,
    long size,
    boolean eightBit,
    boolean needsSmtpUtf8,
    String envelopeSender,
    Instant receivedAt,
    Personalization personal) {

  /** A shared copy: every recipient of a transaction gets the same bytes. */
  public PreparedMessage(
      long postId,
      byte[] wire,
      long size,
      boolean eightBit,
      boolean needsSmtpUtf8,
      String envelopeSender,
      Instant receivedAt) {
    this(postId, wire, size, eightBit, needsSmtpUtf8, envelopeSender, receivedAt, null);
  }

  /** What a personalized post adds per recipient. */
  public interface Personalization {
    /** The dot-stuffed rest after the header fields: empty line, body, final dot. */
    byte[] tail();

    /** The recipient's own header fields (CRLF-terminated, no line starting with a dot). */
    byte[] fieldsFor(Recipient r);

    /** The recipient's VERP envelope sender. */
    String envelopeSenderFor(Recipient r);

    /** True when {@link #fieldsFor} costs enough (signing) to be worked out ahead, off the loop. */
    default boolean costly() {
      return false;
    }
  }

  /**
   * This message with the own fields of {@code recipients} worked out now, on the caller's (worker)
   * thread, when they are {@link Personalization#costly}; itself otherwise. The session then reads
   * them from memory, on the event loop; a recipient not among them is worked out there.
   */
  public PreparedMessage preparedFor(List<Recipient> recipients) {
    if (personal == null || !personal.costly()) {
      return this;
    }
    Map<Long, byte[]> fields = new HashMap<>(recipients.size() * 2);
    for (Recipient r : recipients) {
      fields.put(r.position(), personal.fieldsFor(r));
    }
    Personalization ahead =
        new Personalization() {
          @Override
          public byte[] tail() {
            return personal.tail();
          }

          @Override
          public byte[] fieldsFor(Recipient r) {
            byte[] f = fields.get(r.position());
            return f != null ? f : personal.fieldsFor(r);
          }

          @Override
          public String envelopeSenderFor(Recipient r) {
            return personal.envelopeSenderFor(r);
          }
        };
    return new PreparedMessage(
        postId, wire, size, eightBit, needsSmtpUtf8, envelopeSender, receivedAt, ahead);
  }

  /** True when each recipient gets a transaction and bytes of its own. */
  public boolean personalized() {
    return personal != null;
  }

  /** The reverse path of the transaction for {@code r} (the first recipient of a shared one). */
  String envelopeSenderFor(Recipient r) {
    return personal == null ? envelopeSender : personal.envelopeSenderFor(r);
  }

  /** The octets of the copy for {@code r}, as declared in SIZE=. */
  long sizeFor(Recipient r) {
    return personal == null ? size : size + personal.fieldsFor(r).length;
  }

  /** The DATA bytes for {@code r}, with the final dot; a fresh buffer over shared arrays. */
  ByteBuf dataFor(Recipient r) {
    if (personal == null) {
      return Unpooled.wrappedBuffer(wire);
    }
    return Unpooled.wrappedBuffer(wire, personal.fieldsFor(r), personal.tail());
  }
}
