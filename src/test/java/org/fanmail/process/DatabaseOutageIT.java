package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fanmail.embedded.EmbeddedDatabase;
import org.fanmail.testing.Await;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped in the middle of a fan-out: fanmail (a separate process) runs on a server the
 * test owns (a fixed loopback port and data directory). While it is down, {@code /q/health/ready}
 * answers 503 and delivery stops after what was in flight; when it is started again on the same
 * port and data, readiness is 200 again, delivery resumes on its own, the post ends DONE and every
 * member has a copy. Copies sent twice are only those the sink accepted that were not recorded
 * DELIVERED before the stop.
 */
class DatabaseOutageIT {
  private static final int MEMBERS = 10_000;
  private static final int MAX_CONNECTIONS = 20;
  private static final int MAX_RCPTS = 10;
  private static final Duration STEP = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void stoppedDatabasePausesDeliveryAndReadinessUntilItReturns() throws Exception {
    Path data = tmp.resolve("pg");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    EmbeddedDatabase pg = EmbeddedDatabase.start(data, port);
    try {
      Map<String, String> jdbc =
          Map.of("url", pg.jdbcUrl(), "user", pg.user(), "password", pg.password());
      try (DeliveryWorkload w = new DeliveryWorkload(tmp, 10, 200, MEMBERS, jdbc)) {
        // Each transaction's final reply takes 200 ms, so the fan-out lasts long enough
        // (about 1,000 copies a second) to stop the database in its middle.
        w.sink.faultScript(
            new SmtpSink.FaultScript() {
              @Override
              public Duration dataReplyDelay(String address, List<String> rcpts) {
                return Duration.ofMillis(200);
              }
            });
        Map<String, String> props =
            w.properties(
                Map.of(
                    "fanmail.delivery.lease", "3s",
                    "fanmail.delivery.max-connections", String.valueOf(MAX_CONNECTIONS),
                    "fanmail.delivery.max-connections-per-host", "2",
                    "fanmail.delivery.max-recipients-per-transaction", String.valueOf(MAX_RCPTS),
                    "quarkus.datasource.jdbc.acquisition-timeout", "3s",
                    "quarkus.datasource.jdbc.additional-jdbc-properties.connectTimeout", "2"));
        try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
          p.awaitReady(STEP);
          long post = w.post();
          assertTrue(
              Await.until(STEP, () -> w.copiesSeen() >= MEMBERS / 5),
              "sink saw " + w.copiesSeen() + "\n" + p.output());

          // Recorded before the stop: anything else the sink has may be sent again.
          Set<String> recorded = w.recipientsIn("DELIVERED");
          pg.close();
          int atStop = w.copiesSeen();
          assertTrue(
              Await.until(STEP, () -> p.readiness() == 503),
              "readiness with the database down: " + p.readiness() + "\n" + p.output());
          // Delivery stops: what was in flight finishes and fanmail lets go of its connections
          // (a new one needs a claim, and claims need the database).
          assertTrue(
              Await.until(STEP, () -> w.sink.openConnections() == 0),
              "connections still open at the sink: " + w.sink.openConnections());
          int duringOutage = w.copiesSeen() - atStop;
          assertEquals(503, p.readiness(), "still DOWN while the database is");
          Set<String> unrecorded = new HashSet<>(w.copies().keySet());
          unrecorded.removeAll(recorded);

          pg = EmbeddedDatabase.start(data, port);
          assertTrue(
              Await.until(STEP, () -> p.readiness() == 200),
              "readiness after the restart: " + p.readiness() + "\n" + p.output());
          w.db.awaitPost(
              post,
              "DONE",
              Duration.ofSeconds(90),
              () ->
                  "post DONE after the database returned; recipients "
                      + w.states()
                      + "\n"
                      + p.output());
          Map<String, Integer> copies = w.copies();
          Set<String> missing = w.everyMember();
          missing.removeAll(copies.keySet());
          assertEquals(Set.of(), missing, "members the sink never saw");
          assertEquals(MEMBERS, w.recipientsIn("DELIVERED").size(), w.states());
          int duplicates = DeliveryWorkload.duplicates(copies);
          System.out.printf(
              "database outage: %d recipients, stopped at %d copies, %d more during the outage,"
                  + " %d sent but unrecorded, %d duplicates, 0 lost%n",
              MEMBERS, atStop, duringOutage, unrecorded.size(), duplicates);
          assertTrue(
              duplicates <= unrecorded.size(),
              "duplicates " + duplicates + " exceed the unrecorded copies " + unrecorded.size());
        }
      }
    } finally {
      pg.close();
    }
  }
}
