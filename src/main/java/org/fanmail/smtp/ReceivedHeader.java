package org.fanmail.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.net.ssl.SSLSession;
import org.fanmail.queue.PostPurpose;

/**
 * Builds the {@code Received:} trace field fanmail prepends (RFC 5321 section 4.4): the client's
 * HELO name and IP, our hostname, the protocol per RFC 3848 / RFC 6531 ({@code SMTP}, {@code
 * ESMTP}, {@code ESMTPS}, {@code UTF8SMTP}, {@code UTF8SMTPS}), the TLS protocol and cipher when
 * used, the transaction id, the recipient when there is exactly one (not a {@code
 * list-confirm+TOKEN} address: its token is never stored in clear), and the date.
 *
 * <p>The HELO name is client-controlled; every character outside printable ASCII or that could
 * break the comment syntax is replaced, so the field stays one well-formed header.
 */
public final class ReceivedHeader {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private ReceivedHeader() {}

  /** Everything the field says. {@code tlsProtocol}/{@code tlsCipher} null without TLS. */
  public record Trace(
      String helo,
      String clientIp,
      String hostname,
      boolean esmtp,
      boolean smtpUtf8,
      String tlsProtocol,
      String tlsCipher,
      String id,
      String singleRecipient,
      ZonedDateTime date) {}

  /**
   * The trace of a transaction on a session {@code sessionId}: {@code ssl} is the TLS session when
   * the connection is encrypted, else null; the single recipient is named only when there is one.
   */
  static Trace trace(
      MailTransaction tx,
      String helo,
      boolean esmtp,
      String clientIp,
      String hostname,
      SSLSession ssl,
      String sessionId) {
    String protocol = ssl == null ? null : ssl.getProtocol();
    String cipher = ssl == null ? null : ssl.getCipherSuite();
    // A confirmation address carries its token: named in the trace it would be stored in clear.
    String single =
        tx.recipients.size() == 1 && tx.recipients.get(0).purpose() != PostPurpose.CONFIRM
            ? tx.recipients.get(0).address()
            : null;
    return new Trace(
        helo,
        clientIp,
        hostname,
        esmtp,
        tx.smtpUtf8,
        protocol,
        cipher,
        sessionId + "." + tx.number,
        single,
        ZonedDateTime.now());
  }

  /** The RFC 3848 / RFC 6531 "with" keyword. */
  public static String protocol(Trace t) {
    boolean tls = t.tlsProtocol() != null;
    if (!t.esmtp()) {
      return "SMTP";
    }
    return (t.smtpUtf8() ? "UTF8SMTP" : "ESMTP") + (tls ? "S" : "");
  }

  /** The field with its CRLF, folded over several lines. */
  public static byte[] render(Trace t) {
    StringBuilder sb = new StringBuilder("Received: from ");
    sb.append(clean(t.helo() == null ? "unknown" : t.helo()));
    sb.append(" ([").append(clean(t.clientIp())).append("])\r\n");
    if (t.tlsProtocol() != null) {
      sb.append("\t(using ")
          .append(clean(t.tlsProtocol()))
          .append(" with cipher ")
          .append(clean(t.tlsCipher()))
          .append(")\r\n");
    }
    sb.append("\tby ").append(t.hostname()).append(" (fanmail) with ").append(protocol(t));
    sb.append(" id ").append(t.id());
    if (t.singleRecipient() != null) {
      sb.append("\r\n\tfor <").append(clean(t.singleRecipient())).append(">");
    }
    sb.append(";\r\n\t").append(DATE.format(t.date())).append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String clean(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && i < 255; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x21 || c > 0x7e || c == '(' || c == ')' || c == '\\' ? '?' : c);
    }
    return sb.toString();
  }
}
