package org.fanmail.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.Locale;
import org.fanmail.auth.AuthenticationResults;
import org.fanmail.auth.InboundAuthenticator;
import org.fanmail.auth.InboundVerdict;
import org.fanmail.moderation.FromAuthentication;
import org.fanmail.moderation.MessageHeaders;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostStore;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * The inbound checks at the end of DATA, as the intake needs them: the verdict of {@link
 * InboundAuthenticator} for the message, what it means for the posting rules ({@link
 * FromAuthentication}), the {@code Authentication-Results} field to prepend, and the message as it
 * is stored, without the Authentication-Results fields from outside that claim our authserv-id.
 * With inbound checks off, or for a transaction with no list posting address (bounces, requests),
 * nothing is looked up, prepended or removed.
 *
 * <p>The whole message is read into memory only when it carries a {@code DKIM-Signature} (the
 * verifier wants its bytes; the size is bounded by the SMTP limit). Blocking: worker threads only.
 *
 * @param fromAuthentication what the posting rules read
 * @param field the Authentication-Results field, CRLF-terminated, or empty
 * @param stored the message to store (without our authserv-id's fields from outside)
 */
record InboundChecks(
    FromAuthentication fromAuthentication, byte[] field, PostStore.RawMessage stored) {

  /** Runs the checks for {@code tx}, whose header section {@code headers} was read whole. */
  static InboundChecks run(
      InboundAuthenticator auth,
      MailTransaction tx,
      MessageHeaders headers,
      String fromAddress,
      String clientIp,
      String helo,
      String authservId)
      throws IOException {
    SpillBuffer buffer = tx.buffer;
    // Only posts are checked: bounces and requests to the sub-addresses read no verdict, and a
    // flood of DSNs should not cost DNS look-ups.
    boolean anyPost = tx.recipients.stream().anyMatch(r -> r.purpose() == PostPurpose.POST);
    if (!auth.enabled() || !anyPost) {
      return new InboundChecks(FromAuthentication.UNCHECKED, new byte[0], whole(buffer));
    }
    byte[] header = headerSection(buffer);
    List<int[]> own = AuthenticationResults.ownFields(header, authservId.toLowerCase(Locale.ROOT));
    byte[] raw = headers.first("DKIM-Signature").isPresent() ? readAll(buffer) : null;
    String fromDomain =
        fromAddress == null || fromAddress.lastIndexOf('@') < 0
            ? null
            : fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
    InboundVerdict v = auth.check(clientIp, helo, tx.reversePath, fromDomain, raw);
    FromAuthentication fa =
        v.fromAuthenticated()
            ? FromAuthentication.PASS
            : v.temporary() ? FromAuthentication.TEMPERROR : FromAuthentication.FAIL;
    byte[] field = AuthenticationResults.render(authservId, v);
    return new InboundChecks(
        fa, field, own.isEmpty() ? whole(buffer) : without(buffer, header, own));
  }

  private static PostStore.RawMessage whole(SpillBuffer buffer) {
    return new PostStore.RawMessage() {
      @Override
      public InputStream open() throws IOException {
        return buffer.openStream();
      }

      @Override
      public long size() {
        return buffer.size();
      }
    };
  }

  /** The message with the byte ranges {@code drop} of its header section left out. */
  private static PostStore.RawMessage without(SpillBuffer buffer, byte[] header, List<int[]> drop) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream(header.length);
    int pos = 0;
    for (int[] r : drop) {
      kept.write(header, pos, r[0] - pos);
      pos = r[1];
    }
    kept.write(header, pos, header.length - pos);
    byte[] newHeader = kept.toByteArray();
    long size = buffer.size() - header.length + newHeader.length;
    return new PostStore.RawMessage() {
      @Override
      public InputStream open() throws IOException {
        InputStream rest = buffer.openStream();
        rest.skipNBytes(header.length);
        return new SequenceInputStream(new java.io.ByteArrayInputStream(newHeader), rest);
      }

      @Override
      public long size() {
        return size;
      }
    };
  }

  /** The header section up to its last field's CRLF (the blank line not included). */
  private static byte[] headerSection(SpillBuffer buffer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = buffer.openStream()) {
      int prev = -1;
      int lineStart = 0;
      int b;
      int n = 0;
      // MessageHeaders already read this section whole within its bound; the bound is kept here
      // too so a reader bug can never read a whole spilled message into memory.
      while ((b = in.read()) >= 0 && n < MessageHeaders.MAX_BYTES + 2) {
        n++;
        if (b == '\n' && prev == '\r') {
          if (n - lineStart == 2) {
            break;
          }
          out.write(b);
          lineStart = n;
          prev = b;
          continue;
        }
        out.write(b);
        prev = b;
      }
    }
    byte[] h = out.toByteArray();
    // A blank line was reached: its CR was written, drop it.
    if (h.length > 0 && h[h.length - 1] == '\r') {
      return java.util.Arrays.copyOf(h, h.length - 1);
    }
    return h;
  }

  private static byte[] readAll(SpillBuffer buffer) throws IOException {
    try (InputStream in = buffer.openStream()) {
      return in.readAllBytes();
    }
  }
}
