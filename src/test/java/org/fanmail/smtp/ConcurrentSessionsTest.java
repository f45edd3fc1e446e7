package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1,000 concurrent sessions held open (20 from each of 50 loopback addresses 127.0.0.1-50, the
 * per-IP cap), all greeted and all still answering; the 21st connection from one address gets
 * {@code 421 4.7.0}. Prints heap and RSS so the claim in the report can be reproduced.
 */
@QuarkusTest
@TestProfile(StartTlsProfile.class)
class ConcurrentSessionsTest {
  @Inject SmtpServer server;

  @Test
  void holdsAThousandSessionsAndEnforcesThePerIpCap() throws Exception {
    System.gc();
    long heapBefore = usedHeap();
    long rssBefore = rss();
    List<SmtpTestClient> clients = new ArrayList<>();
    try {
      for (int ip = 1; ip <= 50; ip++) {
        InetAddress from = InetAddress.getByName("127.0.0." + ip);
        for (int i = 0; i < 20; i++) {
          SmtpTestClient c = new SmtpTestClient(server.port(), from, 30_000);
          clients.add(c);
          assertTrue(c.reply().startsWith("220 fanmail.test"));
        }
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (server.openSessions() < 1000 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(1000, server.openSessions());

      try (SmtpTestClient extra =
          new SmtpTestClient(server.port(), InetAddress.getByName("127.0.0.7"), 30_000)) {
        assertTrue(extra.reply().startsWith("421 4.7.0"));
        assertTrue(extra.closedByServer());
      }
      // Every held session still answers, in a pipelined round across all of them.
      for (SmtpTestClient c : clients) {
        c.line("EHLO c.example");
      }
      for (SmtpTestClient c : clients) {
        assertTrue(c.reply().startsWith("250 LIMITS"));
      }
      System.gc();
      long heapAfter = usedHeap();
      long rssAfter = rss();
      System.out.printf(
          "1000 SMTP sessions: heap %d MiB -> %d MiB, RSS %d MiB -> %d MiB (whole test JVM)%n",
          heapBefore >> 20, heapAfter >> 20, rssBefore >> 20, rssAfter >> 20);
    } finally {
      for (SmtpTestClient c : clients) {
        c.close();
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.openSessions() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, server.openSessions());
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rss() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
      }
    }
    return -1;
  }
}
