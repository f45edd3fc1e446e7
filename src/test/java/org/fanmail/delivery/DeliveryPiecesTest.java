package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fanmail.delivery.RecipientOutcome.State;
import org.junit.jupiter.api.Test;

/** The small pure pieces of delivery: dot-stuffing, EHLO parsing, the retry schedule, replies. */
class DeliveryPiecesTest {

  private static String stuff(String s) {
    return new String(
        DotStuffing.stuff(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void dotStuffing() {
    assertEquals("a\r\n..b\r\n...\r\n.\r\n", stuff("a\r\n.b\r\n..\r\n"));
    assertEquals("..x\r\n.\r\n", stuff(".x\r\n"));
    assertEquals("no newline\r\n.\r\n", stuff("no newline"));
    assertEquals(".\r\n", stuff(""));
  }

  @Test
  void dotStuffingAcrossParts() {
    byte[] header = "Subject: x\r\n.dot: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    // The second part starts a line after a part that ended one: its dot is doubled; after a
    // part that ended mid-line it is not.
    assertEquals(
        "Subject: x\r\n..dot: y\r\n\r\n..body\r\n.\r\n",
        new String(
            DotStuffing.stuff(header, ".body".getBytes(StandardCharsets.US_ASCII)),
            StandardCharsets.US_ASCII));
    assertEquals(
        "ab.c\r\n.\r\n",
        new String(
            DotStuffing.stuff(
                "a".getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                "b".getBytes(StandardCharsets.US_ASCII),
                ".c\r\n".getBytes(StandardCharsets.US_ASCII)),
            StandardCharsets.US_ASCII));
    assertEquals(
        "Subject: x\r\n..dot: y\r\n\r\n",
        new String(DotStuffing.stuffLines(header), StandardCharsets.US_ASCII));
  }

  @Test
  void ehloCapabilities() {
    PeerReply r =
        PeerReply.of(
            List.of(
                "250-mx.test",
                "250-PIPELINING",
                "250-SIZE 1000",
                "250-8BITMIME",
                "250-LIMITS RCPTMAX=7 MAILMAX=3",
                "250-STARTTLS",
                "250 SMTPUTF8"));
    EhloCapabilities c = EhloCapabilities.parse(r);
    assertTrue(c.pipelining() && c.eightBitMime() && c.startTls() && c.smtpUtf8());
    assertEquals(1000, c.size());
    assertEquals(7, c.rcptMax());
    assertEquals(3, c.mailMax());
    EhloCapabilities bare = EhloCapabilities.parse(PeerReply.of("250 mx.test"));
    assertFalse(bare.pipelining());
    assertEquals(0, bare.rcptMax());
  }

  @Test
  void retryScheduleRepeatsItsLastStep() {
    RetrySchedule s =
        new RetrySchedule(
            List.of(Duration.ofMinutes(5), Duration.ofMinutes(10)), Duration.ofDays(5));
    assertEquals(Duration.ofMinutes(5), s.delayAfter(0));
    assertEquals(Duration.ofMinutes(10), s.delayAfter(1));
    assertEquals(Duration.ofMinutes(10), s.delayAfter(9));
    Instant received = Instant.parse("2024-01-01T00:00:00Z");
    assertFalse(s.expired(received, received.plus(Duration.ofDays(4))));
    assertTrue(s.expired(received, received.plus(Duration.ofDays(5))));
  }

  @Test
  void relayRefusalIsToldApartFromNoSuchUser() {
    assertTrue(reply("550 5.7.1 <x@y>: relay not permitted").relayRefusal());
    assertTrue(reply("550 5.1.2 bad destination system").relayRefusal());
    assertTrue(reply("554 Relay access denied").relayRefusal());
    assertFalse(reply("550 5.1.1 no such user").relayRefusal());
    assertFalse(reply("450 4.7.1 relay temporarily refused").relayRefusal());
  }

  private static PeerReply reply(String line) {
    return PeerReply.of(line);
  }

  @Test
  void enhancedCodeIsParsedOnceFromTheFirstLine() {
    assertEquals("5.1.1", reply("550 5.1.1 no such user").enhanced());
    assertEquals(
        "5.7.1", PeerReply.of(List.of("554-5.7.1 blocked", "554 5.7.1 go away")).enhanced());
    assertEquals("5.1.10", reply("550 5.1.10 null MX").enhanced());
    assertEquals("5.7.1", reply("550 5.7.1: relaying denied").enhanced());
    assertNull(reply("550 mailbox unavailable").enhanced());
    assertNull(reply("550 4.2.2 contradictory").enhanced(), "a class other than the code's");
    assertNull(reply("250 mx.test Hello").enhanced());
    assertNull(reply("550 5.1234.1 too many digits").enhanced());
    assertNull(reply("550").enhanced());
    assertEquals("5.0.0", reply("550 mailbox unavailable").status());
    assertEquals("4.0.0", reply("451 try later").status());
    assertEquals("4.7.0", reply("421 4.7.0 busy").status());
    assertNull(reply("354 go ahead").status());
  }

  @Test
  void onlyPermanentRefusalsCountAsBounces() {
    RecipientOutcome.Recipient r = new RecipientOutcome.Recipient(1, "a@b.test");
    assertTrue(
        RecipientOutcome.of(r, State.FAILED, reply("550 5.1.1 no such user")).permanentRefusal());
    assertTrue(RecipientOutcome.of(r, State.FAILED, reply("554 no thanks")).permanentRefusal());
    assertFalse(
        RecipientOutcome.of(r, State.DEFERRED, reply("450 4.2.0 later")).permanentRefusal());
    assertFalse(
        RecipientOutcome.of(r, State.FAILED, reply("451 4.2.0 expired")).permanentRefusal());
    // Our own reasons carry the status they begin with.
    assertTrue(
        RecipientOutcome.of(r, State.FAILED, "552 5.3.4 message size 9 exceeds the limit of 1")
            .permanentRefusal());
    assertTrue(
        RecipientOutcome.of(r, State.FAILED, "5.1.2 domain b.test does not exist (NXDOMAIN)")
            .permanentRefusal());
    RecipientOutcome lost = RecipientOutcome.of(r, State.DEFERRED, "4.4.2 connection to x lost");
    assertEquals("4.4.2", lost.status());
    assertFalse(RecipientOutcome.of(r, State.FAILED, "resolver exploded").permanentRefusal());
    assertEquals(
        "552 5.3.4 too big", RecipientOutcome.of(r, State.FAILED, "552 5.3.4 too big").reply());
  }

  @Test
  void replyText() {
    assertEquals(
        "550 5.1.1 no such user here",
        PeerReply.of(List.of("550-5.1.1 no such user", "550 here")).text());
  }
}
