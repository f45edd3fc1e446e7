package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * The per-network message rate over real sockets: transactions count across connections (a new
 * connection does not reset them), the one past the limit hears {@code 421 4.7.0} and is closed,
 * another address is not affected.
 */
@QuarkusTest
@TestProfile(MessageRateProfile.class)
class MessageRateLimitTest {
  @Inject SmtpServer server;

  @Test
  void transactionsPastTheRateAreRefusedAcrossConnections() throws Exception {
    InetAddress busy = InetAddress.getByName("127.0.0.31");
    try (SmtpTestClient c = client(busy)) {
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 2.1.0"));
      assertTrue(c.command("RSET").startsWith("250"));
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 2.1.0"));
    }
    try (SmtpTestClient c = client(busy)) {
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 2.1.0"));
      assertTrue(c.command("RSET").startsWith("250"));
      String refused = c.command("MAIL FROM:<a@example.org>");
      assertTrue(refused.startsWith("421 4.7.0 fanmail.test Too many messages"), refused);
      assertTrue(c.closedByServer());
    }
    try (SmtpTestClient c = client(busy)) {
      assertTrue(c.command("MAIL FROM:<b@example.org>").startsWith("421 4.7.0"));
    }
    try (SmtpTestClient other = client(InetAddress.getByName("127.0.0.32"))) {
      assertTrue(other.command("MAIL FROM:<a@example.org>").startsWith("250 2.1.0"));
    }
  }

  private SmtpTestClient client(InetAddress from) throws Exception {
    SmtpTestClient c = new SmtpTestClient(server.port(), from, 15_000);
    assertTrue(c.reply().startsWith("220"));
    c.line("EHLO client.example");
    c.readReply();
    return c;
  }
}
