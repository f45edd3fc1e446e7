package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against the real server ({@link HostileLoadProfile}: 2 s per command, 5
 * connections per address, 12 in all):
 *
 * <ul>
 *   <li>slowloris, one byte a second in a command and in DATA: cut off with {@code 421 4.4.2} after
 *       the per-command deadline (a trickle does not extend it), the slot freed; a client that
 *       completes a command every second is not;
 *   <li>connection floods past the per-address and total caps: {@code 421 4.7.0} for the excess,
 *       served again after they close, the sessions gauge back at 0;
 *   <li>a 1,000,000-octet header section and one of 10,000 fields are accepted and read whole (a
 *       From at their very end decides the post); one octet-bound or one field more is {@code 552
 *       5.3.4}, so no field is ever hidden from the posting rules;
 *   <li>a 1 MB text line in DATA is {@code 552 5.3.4} and the session goes on.
 * </ul>
 */
@QuarkusTest
@TestProfile(HostileLoadProfile.class)
class HostileLoadTest {
  private static final int TIMEOUT = 30_000;

  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;
  @Inject MeterRegistry registry;

  @BeforeEach
  void noSessionsLeft() {
    assertTrue(awaitNoSessions(), "sessions left from an earlier test: " + server.openSessions());
  }

  @Test
  void slowlorisInACommandIsCutOffAndItsSlotFreed() throws Exception {
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, TIMEOUT)) {
      assertTrue(c.reply().startsWith("220"));
      // Never completes a line: 500 octets of one command, a byte a second.
      Thread trickle = trickle(c, "NOOP " + "x".repeat(495));
      try {
        String reply = c.readLine();
        assertTrue(reply != null && reply.startsWith("421 4.4.2"), "got " + reply);
        assertTrue(c.closedByServer());
      } finally {
        trickle.interrupt();
      }
    }
    assertTrue(awaitNoSessions(), "slot freed: " + server.openSessions());
    assertEquals(0.0, sessionsGauge());
  }

  @Test
  void slowlorisInDataIsCutOffAndNothingIsStored() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("slow"), "Slow", "OPEN", "HOLD", null);
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, TIMEOUT)) {
      c.reply();
      c.command("EHLO slow.example");
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      Thread trickle = trickle(c, "Subject: slow\r\n\r\n" + "line of text\r\n".repeat(40));
      try {
        String reply = c.readLine();
        assertTrue(reply != null && reply.startsWith("421 4.4.2"), "got " + reply);
        assertTrue(c.closedByServer());
      } finally {
        trickle.interrupt();
      }
    }
    assertTrue(awaitNoSessions(), "slot freed: " + server.openSessions());
    assertEquals(List.of(), lists.posts(list));
  }

  @Test
  void aClientCompletingACommandEverySecondIsNotCutOff() throws Exception {
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, TIMEOUT)) {
      c.reply();
      // Four commands a second apart: twice the 2 s deadline in all, each well within it.
      for (int i = 0; i < 4; i++) {
        Thread.sleep(1000);
        assertTrue(c.command("NOOP").startsWith("250 2.0.0"), "NOOP " + i);
      }
      assertTrue(c.command("QUIT").startsWith("221"));
    }
  }

  @Test
  void floodsPastBothCapsAreTurnedAwayAndLeakNoSlots() throws Exception {
    InetAddress one = InetAddress.getByName("127.0.0.1");
    List<SmtpTestClient> held = new ArrayList<>();
    try {
      // 60 connections at once from one address: exactly the cap is served.
      int[] served = flood(one, 60, held);
      assertEquals(HostileLoadProfile.PER_IP, served[0], "served from one address");
      assertEquals(60 - HostileLoadProfile.PER_IP, served[1], "421 4.7.0 from one address");
      // Other addresses fill the total cap; past it everyone hears 421 4.7.0.
      int total = HostileLoadProfile.PER_IP;
      for (int ip = 2; total < HostileLoadProfile.TOTAL; ip++) {
        int n = Math.min(HostileLoadProfile.PER_IP, HostileLoadProfile.TOTAL - total);
        int[] r = flood(InetAddress.getByName("127.0.0." + ip), n, held);
        assertEquals(n, r[0]);
        total += n;
      }
      int[] past = flood(InetAddress.getByName("127.0.0.9"), 20, held);
      assertEquals(0, past[0], "nobody past the total cap");
      assertEquals(20, past[1]);
      assertEquals(HostileLoadProfile.TOTAL, server.openSessions());
    } finally {
      for (SmtpTestClient c : held) {
        c.close();
      }
    }
    assertTrue(awaitNoSessions(), "sessions after the flood closed: " + server.openSessions());
    assertEquals(0.0, sessionsGauge(), "fanmail.smtp.sessions");
    // No slot leaked: the full caps are available again.
    held.clear();
    try {
      assertEquals(HostileLoadProfile.PER_IP, flood(one, HostileLoadProfile.PER_IP, held)[0]);
      assertEquals(
          HostileLoadProfile.PER_IP,
          flood(InetAddress.getByName("127.0.0.9"), HostileLoadProfile.PER_IP, held)[0]);
      for (SmtpTestClient c : held) {
        assertTrue(c.command("NOOP").startsWith("250"));
      }
    } finally {
      for (SmtpTestClient c : held) {
        c.close();
      }
    }
    assertTrue(awaitNoSessions());
  }

  @Test
  void headerSectionsUpToTheBoundsAreReadWholeAndBeyondThemRefused() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(
            TestMail.uniqueAddress("headers"), "Headers", "MEMBERS", "REJECT", null);
    lists.memberWithRole(list, "member@example.org", "MEMBER", "ACTIVE");
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapBefore = rt.totalMemory() - rt.freeMemory();

    // One folded field of 1,000 lines of 997 octets plus CRLF: 1,000,000 octets, then the From
    // that makes the non-member envelope sender's post acceptable.
    String megabyte = folded(1000);
    String fromLast = "From: Member <member@example.org>\r\n";
    assertEquals("250", code(post(list, megabyte + fromLast)), "1,000,000-octet header");
    // 1,100 such lines: past MessageHeaders.MAX_BYTES (1 MiB).
    assertEquals(
        "552 5.3.4 Header section over 1048576 octets or 10000 fields",
        post(list, folded(1100) + fromLast));

    // 9,998 fields + From + the Subject post() adds: exactly MessageHeaders.MAX_FIELDS.
    StringBuilder fields = new StringBuilder();
    for (int i = 1; i <= 9_998; i++) {
      fields.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
    }
    assertEquals("250", code(post(list, fields + fromLast)), "10,000 fields, From next to last");
    assertEquals(
        "552 5.3.4 Header section over 1048576 octets or 10000 fields",
        post(list, fields + "X-One-Too-Many: 1\r\n" + fromLast),
        "10,001 fields: the From would be hidden");

    List<TestMail.Post> posts = lists.posts(list);
    assertEquals(2, posts.size());
    for (TestMail.Post p : posts) {
      // Accepted (and perhaps delivered by now), not held as a non-member's post.
      assertTrue(
          java.util.Set.of("ACCEPTED", "DELIVERING", "DONE").contains(p.state()),
          "decided by the From at the end: " + p.state() + " " + p.reason());
      assertEquals("Member <member@example.org>", p.fromHeader());
    }
    System.gc();
    long heapAfter = rt.totalMemory() - rt.freeMemory();
    System.out.printf(
        "hostile headers: heap %d MiB before, %d MiB after four big-header messages%n",
        heapBefore >> 20, heapAfter >> 20);
  }

  @Test
  void aMegabyteLineInDataIs552AndTheSessionGoesOn() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("long"), "Long", "OPEN", "HOLD", null);
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, TIMEOUT)) {
      c.reply();
      c.command("EHLO long.example");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<" + list + ">");
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("Subject: long\r\n\r\n");
      byte[] line = "y".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII);
      c.send(line);
      c.send("\r\n.\r\n");
      assertEquals("552 5.3.4 Message has a line longer than 1000 octets", c.reply());
      assertTrue(c.command("NOOP").startsWith("250"));
      assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("Subject: short\r\n\r\nfine\r\n.\r\n");
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
    }
    assertEquals(1, lists.posts(list).size());
  }

  /** One message to {@code list} from a non-member envelope sender; the last reply line. */
  private String post(String list, String header) throws IOException {
    try (SmtpTestClient c = new SmtpTestClient(server.port(), null, TIMEOUT)) {
      c.reply();
      c.command("EHLO big.example");
      c.command("MAIL FROM:<stranger@example.net>");
      assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send(header + "Subject: big header\r\n\r\nbody\r\n.\r\n");
      return c.reply();
    }
  }

  private static String code(String reply) {
    return reply.substring(0, 3);
  }

  /** {@code X-Filler:} folded over {@code lines} lines of 999 octets with CRLF. */
  private static String folded(int lines) {
    StringBuilder b = new StringBuilder("X-Filler:" + "a".repeat(988) + "\r\n");
    for (int i = 1; i < lines; i++) {
      b.append(' ').append("b".repeat(996)).append("\r\n");
    }
    return b.toString();
  }

  /**
   * Opens {@code n} connections from {@code from} at once; keeps those greeted with 220 in {@code
   * held}; returns {served, refused with 421 4.7.0 and closed}.
   */
  private int[] flood(InetAddress from, int n, List<SmtpTestClient> held) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 20));
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<SmtpTestClient>> opened = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        opened.add(
            pool.submit(
                () -> {
                  SmtpTestClient c = new SmtpTestClient(server.port(), from, TIMEOUT);
                  String greeting = c.reply();
                  if (greeting.startsWith("220")) {
                    return c;
                  }
                  assertTrue(greeting.startsWith("421 4.7.0"), greeting);
                  assertTrue(c.closedByServer());
                  refused.incrementAndGet();
                  c.close();
                  return null;
                }));
      }
      int served = 0;
      for (Future<SmtpTestClient> f : opened) {
        SmtpTestClient c = f.get(60, TimeUnit.SECONDS);
        if (c != null) {
          held.add(c);
          served++;
        }
      }
      return new int[] {served, refused.get()};
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sends {@code text} a byte a second from a background thread until done or refused. */
  private static Thread trickle(SmtpTestClient c, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    Thread t =
        new Thread(
            () -> {
              try {
                for (byte b : bytes) {
                  c.send(new byte[] {b});
                  Thread.sleep(1000);
                }
              } catch (IOException | InterruptedException e) {
                // cut off, or the test is over
              }
            },
            "slowloris");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The {@code fanmail.smtp.sessions} gauge; registered with the first session. */
  private double sessionsGauge() {
    var gauge = registry.find("fanmail.smtp.sessions").gauge();
    return gauge == null ? 0.0 : gauge.value();
  }

  private boolean awaitNoSessions() {
    return Await.until(
        java.time.Duration.ofSeconds(10),
        () -> server.openSessions() == 0 && sessionsGauge() == 0.0);
  }
}
