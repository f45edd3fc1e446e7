package org.fanmail.delivery;

import java.util.List;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.fanout.HostPort;

/**
 * The envelope as one server's EHLO capabilities allow it: the MAIL and RCPT command lines (SIZE,
 * BODY=8BITMIME and SMTPUTF8 only where offered), and the reasons a message or an address cannot go
 * to that server at all (larger than its declared SIZE, UTF-8 without SMTPUTF8). Pure; the reasons
 * are the texts recorded for the recipients.
 */
record EnvelopeCommands(EhloCapabilities caps, HostPort host) {

  /** The MAIL command of a transaction to {@code batch} (the first recipient's sender and size). */
  String mail(PreparedMessage m, List<Recipient> batch) {
    Recipient first = batch.get(0);
    StringBuilder b =
        new StringBuilder("MAIL FROM:<").append(m.envelopeSenderFor(first)).append('>');
    if (caps.sizeDeclared()) {
      b.append(" SIZE=").append(m.sizeFor(first));
    }
    if (m.eightBit() && caps.eightBitMime()) {
      b.append(" BODY=8BITMIME");
    }
    boolean utf8 = m.needsSmtpUtf8() || batch.stream().anyMatch(r -> !isAscii(r.email()));
    if (utf8 && caps.smtpUtf8()) {
      b.append(" SMTPUTF8");
    }
    return b.toString();
  }

  static String rcpt(Recipient r) {
    return "RCPT TO:<" + r.email() + ">";
  }

  /** Why the server cannot take {@code m} for anyone, or null when it can. */
  String messageRefusal(PreparedMessage m) {
    if (caps.sizeDeclared() && caps.size() > 0 && m.size() > caps.size()) {
      return "552 5.3.4 message size "
          + m.size()
          + " exceeds the limit of "
          + caps.size()
          + " declared by "
          + host;
    }
    if (m.needsSmtpUtf8() && !caps.smtpUtf8()) {
      return "553 5.6.7 the message has UTF-8 header fields and "
          + host
          + " does not offer SMTPUTF8";
    }
    return null;
  }

  /** Why the server cannot take {@code r}'s address, or null when it can. */
  String addressRefusal(Recipient r) {
    if (!caps.smtpUtf8() && !isAscii(r.email())) {
      return "553 5.6.7 the address needs SMTPUTF8 and " + host + " does not offer it";
    }
    return null;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }
}
