package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    SmtpReply r =
        new SmtpReply(
            250,
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
    EhloCapabilities bare = EhloCapabilities.parse(new SmtpReply(250, List.of("250 mx.test")));
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
    assertTrue(OutboundSession.relayRefusal(reply("550 5.7.1 <x@y>: relay not permitted")));
    assertTrue(OutboundSession.relayRefusal(reply("550 5.1.2 bad destination system")));
    assertTrue(OutboundSession.relayRefusal(reply("554 Relay access denied")));
    assertFalse(OutboundSession.relayRefusal(reply("550 5.1.1 no such user")));
    assertFalse(OutboundSession.relayRefusal(reply("450 4.7.1 relay temporarily refused")));
  }

  private static SmtpReply reply(String line) {
    return new SmtpReply(Integer.parseInt(line.substring(0, 3)), List.of(line));
  }

  @Test
  void replyText() {
    assertEquals(
        "550 5.1.1 no such user here",
        new SmtpReply(550, List.of("550-5.1.1 no such user", "550 here")).text());
  }
}
