package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL that goes away in the middle of a session: RCPT look-ups answer {@code 451 4.3.0},
 * the end of DATA answers {@code 451 4.3.0}, and the session stays usable (NOOP, QUIT).
 */
@QuarkusTest
@TestProfile(DatabaseDownProfile.class)
class DatabaseDownTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  @Test
  void deadDatabaseMeans451() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      assertEquals(DatabaseDownProfile.database().jdbcUrl(), c.getMetaData().getURL());
    }
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("down"), "Down", "OPEN", "HOLD", null);
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, 30_000)) {
      c.reply();
      c.command("HELO client.example");
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("Subject: doomed\r\n\r\nbody\r\n");

      DatabaseDownProfile.database().close();

      c.send(".\r\n");
      assertEquals("451 4.3.0 Temporary failure, please try again later", c.reply());
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250"));
      assertEquals(
          "451 4.3.0 Temporary failure, please try again later",
          c.command("RCPT TO:<" + list + ">"));
      assertTrue(c.command("NOOP").startsWith("250"));
      assertTrue(c.command("QUIT").startsWith("221"));
    }
  }
}
