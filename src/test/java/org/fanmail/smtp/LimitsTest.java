package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The limits profile: RCPTMAX, MAILMAX and the idle timeout as conversations ({@code
 * conversations/limits/*.txt}); then, last, a graceful stop: the idle session hears {@code 421
 * 4.3.2} at once, the session in DATA finishes its message (250) before its 421, and nobody new
 * gets in.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  static List<Path> fixtures() throws Exception {
    return ConversationScript.fixtures("limits");
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void conversation(Path fixture) throws Exception {
    new ConversationScript(fixture, server.port(), new TestMail(dataSource)).run();
  }

  @Order(2)
  @Test
  void gracefulStopDrainsMessagesInData() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("drain"), "Drain", "OPEN", "HOLD", null);
    int port = server.port();
    try (SmtpTestClient idle = new SmtpTestClient(port);
        SmtpTestClient writing = new SmtpTestClient(port)) {
      idle.reply();
      idle.command("HELO idle.example");
      writing.reply();
      writing.command("HELO writing.example");
      writing.command("MAIL FROM:<a@example.org>");
      writing.command("RCPT TO:<" + list + ">");
      assertTrue(writing.command("DATA").startsWith("354"));
      writing.send("Subject: half\r\n\r\nfirst half\r\n");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
      assertTrue(idle.reply().startsWith("421 4.3.2"));
      assertTrue(idle.closedByServer());
      try (SmtpTestClient newcomer = new SmtpTestClient(port)) {
        assertTrue(newcomer.reply().startsWith("421 4.3.2"), "newcomers are turned away");
      }

      writing.send("second half\r\n.\r\n");
      assertTrue(writing.reply().startsWith("250 2.0.0 Ok: queued as"));
      assertTrue(writing.reply().startsWith("421 4.3.2"));
      assertTrue(writing.closedByServer());
      stopping.get(30, TimeUnit.SECONDS);
      assertEquals(1, lists.posts(list).size());
    }
    try (SmtpTestClient late = new SmtpTestClient(port)) {
      assertTrue(late.closedByServer(), "nobody new gets in");
    } catch (ConnectException refused) {
      // the listener is closed by now: that is the point
    }
  }
}
