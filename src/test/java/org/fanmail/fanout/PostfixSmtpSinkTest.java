package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fan-out received by a foreign SMTP server: Postfix's {@code smtp-sink} on 127.0.1.50, started
 * before and stopped (by PID) after the test.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class PostfixSmtpSinkTest {
  private static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  private Process smtpSink;
  private int port;

  @BeforeEach
  void start() throws Exception {
    assertTrue(
        Files.isExecutable(SMTP_SINK),
        "Postfix smtp-sink not installed: apt-get install postfix (.ci/run does)");
    try (ServerSocket probe =
        new ServerSocket(0, 1, InetAddress.getByName(FanoutTestProfile.HOST_POSTFIX))) {
      port = probe.getLocalPort();
    }
    FanoutTestProfile.writeTransportMap(null, port);
    String where = FanoutTestProfile.HOST_POSTFIX + ":" + port;
    ProcessBuilder pb =
        "root".equals(System.getProperty("user.name"))
            ? new ProcessBuilder(SMTP_SINK.toString(), "-u", "nobody", "-c", where, "1000")
            : new ProcessBuilder(SMTP_SINK.toString(), "-c", where, "1000");
    smtpSink = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(
        Await.until(
            Duration.ofSeconds(10),
            () -> {
              try (Socket s = new Socket(FanoutTestProfile.HOST_POSTFIX, port)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            }),
        "smtp-sink listens");
  }

  @AfterEach
  void stop() throws Exception {
    FanoutTestProfile.writeTransportMap(null, 0);
    if (smtpSink != null) {
      ProcessHandle.of(smtpSink.pid()).ifPresent(ProcessHandle::destroy);
      smtpSink.waitFor();
    }
  }

  @Test
  void postfixSmtpSinkReceivesAFanout() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("pf", "lists.test", "[pf]", "POSTER");
    db.members(list, "p", "pf.test", 250);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "pf@lists.test",
            TestMail.message(id, "pf@lists.test", "to postfix", "hello\r\n.dot\r\n"),
            Instant.now());
    long started = System.nanoTime();
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", Duration.ofSeconds(30));
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(
        "250",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state = 'DELIVERED'", post));
    assertEquals("25", db.scalar("select count(*) from delivery where post_id = ?", post));
    System.out.printf("fan-out of 250 recipients (25 transactions) to smtp-sink: %d ms%n", ms);
  }
}
