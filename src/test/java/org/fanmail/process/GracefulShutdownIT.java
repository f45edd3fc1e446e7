package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fanmail.smtp.SmtpTestClient;
import org.fanmail.testing.PostgresTestResource;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * SIGTERM to a fanmail process while 24 SMTP sessions are in the middle of DATA. Half of them send
 * the rest of their message at once, half never do. Every session must end with either {@code 250}
 * for a post that is in the database, or {@code 421}; no session may hear 250 for a post that was
 * not committed, and the sessions that never finish must hear 421 (after {@code drain-timeout}).
 */
class GracefulShutdownIT {
  private static final int SESSIONS = 24;

  @TempDir Path tmp;

  record Outcome(int session, boolean finished, String reply) {}

  @Test
  void sigtermWithSessionsInDataGivesCommitted250sOr421s() throws Exception {
    Map<String, String> jdbc = PostgresTestResource.connection();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbc.get("url"));
    ds.setUser(jdbc.get("user"));
    ds.setPassword(jdbc.get("password"));
    TestMail db = new TestMail(ds);
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> props =
        Map.of(
            "quarkus.datasource.jdbc.url", jdbc.get("url"),
            "quarkus.datasource.username", jdbc.get("user"),
            "quarkus.datasource.password", jdbc.get("password"),
            "quarkus.flyway.clean-at-start", "false",
            "fanmail.admin.token", TestSecrets.ADMIN_TOKEN,
            "fanmail.link-secret", "process-test-link-secret-0123456789abcdef",
            "fanmail.smtp.hostname", "fanmail.test",
            "fanmail.smtp.drain-timeout", "5s",
            "fanmail.smtp.max-connections-per-ip", "100");
    List<SmtpTestClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
    try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
      p.awaitReady(Duration.ofSeconds(90));
      String list = "drain-" + tag + "@lists." + tag + ".test";
      db.list("drain-" + tag, "lists." + tag + ".test", null, "POSTER");
      for (int i = 0; i < SESSIONS; i++) {
        SmtpTestClient c = new SmtpTestClient(p.smtpPort(), null, 60_000);
        clients.add(c);
        assertTrue(c.reply().startsWith("220"));
        c.line("EHLO s" + i + ".example");
        c.readReply();
        assertTrue(c.command("MAIL FROM:<s" + i + "@example.org>").startsWith("250"));
        assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
        assertTrue(c.command("DATA").startsWith("354"));
        c.send("Subject: " + subject(tag, i) + "\r\n\r\nfirst half\r\n");
      }

      p.terminate();
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        int n = i;
        SmtpTestClient c = clients.get(i);
        boolean finish = i % 2 == 0;
        outcomes.add(
            pool.submit(
                () -> {
                  if (finish) {
                    try {
                      c.send("second half\r\n.\r\n");
                    } catch (IOException e) {
                      // already told 421 and closed: the read below sees it
                    }
                  }
                  String reply;
                  try {
                    reply = c.reply();
                  } catch (IOException e) {
                    reply = "closed: " + e.getMessage();
                  }
                  return new Outcome(n, finish, reply);
                }));
      }
      int exit = p.awaitExit(Duration.ofSeconds(60));
      // 143 = 128 + SIGTERM: the JVM's status after an orderly stop by signal.
      assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + p.output());

      int accepted = 0;
      int refused = 0;
      int storedAnyway = 0;
      for (Future<Outcome> f : outcomes) {
        Outcome o = f.get(60, TimeUnit.SECONDS);
        String stored =
            db.scalar("select id from post where subject = ?", subject(tag, o.session()));
        if (o.reply().startsWith("250 2.0.0 Ok: queued as ")) {
          accepted++;
          String id = o.reply().substring("250 2.0.0 Ok: queued as ".length());
          assertEquals(id, stored, "session " + o.session() + " heard 250 for post " + id);
        } else {
          assertTrue(
              o.reply().startsWith("421 4.3.2"),
              "session " + o.session() + " ended with " + o.reply() + "\n" + p.output());
          refused++;
          if (stored != null) {
            storedAnyway++;
          }
          if (!o.finished()) {
            assertEquals(null, stored, "an unfinished message was stored");
          }
        }
      }
      System.out.printf(
          "graceful shutdown: %d sessions in DATA at SIGTERM: %d x 250 (each committed), %d x"
              + " 421 (%d of them stored anyway)%n",
          SESSIONS, accepted, refused, storedAnyway);
      assertEquals(SESSIONS, accepted + refused);
      assertTrue(accepted >= 1, "the sessions that finished at once were served");
    } finally {
      pool.shutdownNow();
      for (SmtpTestClient c : clients) {
        c.close();
      }
    }
  }

  private static String subject(String tag, int i) {
    return "shutdown " + tag + " #" + i;
  }
}
