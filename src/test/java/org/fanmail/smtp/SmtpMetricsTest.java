package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * The SMTP meters move with real traffic: open sessions, bytes received, replies by class and posts
 * by outcome and deciding rule.
 */
@QuarkusTest
class SmtpMetricsTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;
  @Inject MeterRegistry registry;

  @Test
  void countsSessionsBytesRepliesAndPosts() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("metrics"), "M", "MODERATED", "HOLD", null);
    double held = count("fanmail.smtp.posts", "outcome", "HELD", "reason", "moderated");
    double errors = count("fanmail.smtp.replies", "class", "5xx");
    // Registered with the first bytes any session reads: absent when this test runs first.
    double bytes = count("fanmail.smtp.bytes.received");
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.reply();
      assertTrue(registry.get("fanmail.smtp.sessions").gauge().value() >= 1);
      c.command("HELO client.example");
      c.command("XYZZY");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<" + list + ">");
      c.command("DATA");
      c.send("Subject: counted\r\n\r\nbody\r\n.\r\n");
      assertTrue(c.reply().startsWith("250"));
    }
    assertEquals(held + 1, count("fanmail.smtp.posts", "outcome", "HELD", "reason", "moderated"));
    assertEquals(errors + 1, count("fanmail.smtp.replies", "class", "5xx"));
    assertTrue(registry.get("fanmail.smtp.bytes.received").counter().count() > bytes + 30);
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }
}
