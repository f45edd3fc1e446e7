package org.fanmail.request;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.fanmail.moderation.MessageHeaders;
import org.jboss.logging.Logger;

/**
 * Forwards a message sent to {@code list-owner@} to the list's owners (the {@code owners} setting
 * and the active OWNER members) as it was received: the original bytes, DKIM signatures included,
 * with {@code Resent-*} fields (RFC 5322 section 3.6.6) and {@code X-Loop: list-owner@domain}
 * prepended, envelope sender {@code list-bounces@} so failures never go back to the writer. A
 * message that already carries that X-Loop (an owner address forwarding back) is discarded, as is
 * every message to a list without owners (logged), and one past the hourly system mail caps
 * (logged, the reason recorded).
 */
final class OwnerForward {
  private static final Logger LOG = Logger.getLogger(OwnerForward.class);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private OwnerForward() {}

  static RequestProcessor.Finish forward(Outbox out, ClaimedMessage m, MessageHeaders headers)
      throws SQLException {
    ListRef list = out.list();
    String ownerAddress = list.sub("owner");
    for (String v : headers.all("X-Loop")) {
      if (v.strip().replace("<", "").replace(">", "").strip().equalsIgnoreCase(ownerAddress)) {
        return RequestProcessor.Finish.discarded(
            "forward loop: already carries X-Loop: " + ownerAddress);
      }
    }
    List<String> owners = out.ownerAddresses();
    if (owners.isEmpty()) {
      LOG.warnf(
          "post %d: list %s has no owners; message to %s discarded",
          m.id(), list.address(), ownerAddress);
      return RequestProcessor.Finish.discarded("the list has no owners");
    }
    String prefix =
        "X-Loop: "
            + ownerAddress
            + "\r\nResent-From: "
            + ownerAddress
            + "\r\nResent-To: "
            + ownerAddress
            + "\r\nResent-Date: "
            + DATE.format(ZonedDateTime.now())
            + "\r\nResent-Message-ID: <"
            + UUID.randomUUID()
            + "@"
            + list.domain()
            + ">\r\n";
    byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] raw = new byte[head.length + m.raw().length];
    System.arraycopy(head, 0, raw, 0, head.length);
    System.arraycopy(m.raw(), 0, raw, head.length, m.raw().length);
    String subject = headers.firstBounded("Subject", 998).orElse("(message to the owners)");
    if (!out.forward(owners, subject, raw)) {
      return RequestProcessor.Finish.discarded("not forwarded to the owners");
    }
    return RequestProcessor.Finish.done("forwarded to " + owners.size() + " owner(s)");
  }
}
