package org.fanmail.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@link BounceParser} on hand-made messages for the cases the corpus does not pin down: a
 * base64-encoded status part with folded fields, an Exim bounce that carries Auto-Submitted, a
 * vacation reply, and the recipient bound.
 */
class BounceParserTest {
  private static BounceReport parse(String s) {
    return BounceParser.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void base64StatusPartWithFoldedFields() {
    String status =
        "Reporting-MTA: dns; mx.example\r\n\r\nFINAL-RECIPIENT: RFC822;<Ann@Example.org>\r\n"
            + "action: Failed\r\nStatus: 5.1.1 (bad mailbox)\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n"
            + " user unknown\r\n";
    String msg =
        "From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/report;\r\n"
            + " report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\nfailed\r\n--b\r\n"
            + "Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(status.getBytes(StandardCharsets.US_ASCII))
            + "\r\n--b--\r\n";
    BounceReport r = parse(msg);
    assertEquals(BounceKind.DSN, r.kind());
    assertEquals(
        new BouncedRecipient("Ann@Example.org", "failed", "5.1.1", "550 5.1.1 user unknown"),
        r.recipients().get(0));
  }

  @Test
  void eximBounceWithAutoSubmittedIsABounce() {
    String msg =
        "From: Mail Delivery System <Mailer-Daemon@mx.example>\r\nAuto-Submitted: auto-replied\r\n"
            + "Subject: Mail delivery failed: returning message to sender\r\n\r\n"
            + "This message was created automatically by mail delivery software.\r\n\r\n"
            + "A message that you sent could not be delivered to one or more of its\r\n"
            + "recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
            + "  bob@example.org\r\n    SMTP error from remote mail server after RCPT TO:<bob@example.org>:\r\n"
            + "    550 5.1.1 No such user\r\n";
    BounceReport r = parse(msg);
    assertEquals(BounceKind.NON_STANDARD_BOUNCE, r.kind());
    assertEquals("bob@example.org", r.recipients().get(0).recipient());
    assertEquals("5.1.1", r.recipients().get(0).status());
  }

  @Test
  void vacationRepliesAreNotBounces() {
    assertEquals(
        BounceKind.AUTO_REPLY,
        parse("From: ann@example.org\r\nSubject: Abwesenheitsnotiz\r\n\r\nIch bin weg.\r\n")
            .kind());
    assertEquals(
        BounceKind.AUTO_REPLY,
        parse("From: ann@example.org\r\nX-Autoreply: yes\r\nSubject: Re: hi\r\n\r\naway\r\n")
            .kind());
    assertEquals(
        BounceKind.NOT_A_BOUNCE,
        parse("From: ann@example.org\r\nSubject: hello\r\n\r\nhi\r\n").kind());
  }

  /**
   * One long line of distinct addresses: every candidate used to rescan the whole text for a status
   * (minutes for this message); the whole-text answers are now computed once.
   */
  @Test
  void aLongLineOfAddressesParsesInBoundedTime() {
    StringBuilder line = new StringBuilder("x");
    for (int i = 0; i < 12_000; i++) {
      line.append(" u").append(i).append("@b").append(i).append(".example.com");
    }
    String msg =
        "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\n\r\n" + line + "\r\n";
    BounceReport r =
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> parse(msg), "parse time");
    assertEquals(BounceParser.MAX_RECIPIENTS, r.recipients().size());
  }

  @Test
  void atMostAThousandRecipients() {
    StringBuilder status = new StringBuilder("Reporting-MTA: dns; mx\r\n");
    for (int i = 0; i < 1500; i++) {
      status.append("\r\nFinal-Recipient: rfc822; u").append(i).append("@example.org\r\n");
      status.append("Action: failed\r\nStatus: 5.1.1\r\n");
    }
    String msg =
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n"
            + "Content-Type: message/delivery-status\r\n\r\n"
            + status
            + "--b--\r\n";
    assertEquals(1000, parse(msg).recipients().size());
  }
}
