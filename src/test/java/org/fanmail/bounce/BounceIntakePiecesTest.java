package org.fanmail.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure pieces of bounce intake: VERP decoding and the status of an SMTP reply. */
class BounceIntakePiecesTest {
  @Test
  void verpArgumentsDecodeAtTheLastEqualsSign() {
    assertEquals(Optional.of("bob@example.test"), BounceStage.verpAddress("bob=example.test"));
    // As personalized delivery writes it: '=' inside the user part is escaped (~3D).
    assertEquals(Optional.of("a=b@example.test"), BounceStage.verpAddress("a~3Db=example.test"));
    String sender = org.fanmail.mail.VerpAddress.encode("dev-bounces", "x+y=z@Ex.test", "l.test");
    String arg = sender.substring("dev-bounces+".length(), sender.indexOf('@'));
    assertEquals(Optional.of("x+y=z@ex.test"), BounceStage.verpAddress(arg));
    assertEquals(Optional.empty(), BounceStage.verpAddress("a=b=example.test"));
    assertEquals(Optional.empty(), BounceStage.verpAddress(null));
    assertEquals(Optional.empty(), BounceStage.verpAddress("no-equals-sign"));
    assertEquals(Optional.empty(), BounceStage.verpAddress("=example.test"));
    assertEquals(Optional.empty(), BounceStage.verpAddress("bob="));
    assertEquals(Optional.empty(), BounceStage.verpAddress("bob=not a domain"));
  }

  @Test
  void aReplyGivesItsEnhancedStatusOrOneDerivedFromItsCode() {
    assertEquals("5.1.1", BounceScoring.statusOf("550 5.1.1 <x@y>: user unknown"));
    assertEquals("5.7.1", BounceScoring.statusOf("554-5.7.1 blocked"));
    assertEquals("5.0.0", BounceScoring.statusOf("550 mailbox unavailable"));
    assertEquals("5.0.0", BounceScoring.statusOf("550 4.2.2 contradictory"));
    assertEquals("4.0.0", BounceScoring.statusOf("451 try later"));
    assertNull(BounceScoring.statusOf(null));
    assertNull(BounceScoring.statusOf(""));
  }

  @Test
  void originalRecipientIsKeptWhenItDiffers() {
    String dsn =
        "From: MAILER-DAEMON@mx.test\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
            + "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            + "Reporting-MTA: dns; mx.test\r\n\r\n"
            + "Original-Recipient: rfc822; member@list.test\r\n"
            + "Final-Recipient: rfc822; forwarded@elsewhere.test\r\n"
            + "Action: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n";
    BouncedRecipient r =
        BounceParser.parse(dsn.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .recipients()
            .get(0);
    assertEquals("forwarded@elsewhere.test", r.recipient());
    assertEquals("member@list.test", r.originalRecipient());
  }
}
