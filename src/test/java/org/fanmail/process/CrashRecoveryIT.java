package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of delivery: a 20,000-recipient post (200 domains on 10 sink hosts) is delivered by
 * a fanmail process that is killed with SIGKILL three times at different points and restarted on
 * the same database. Nothing accepted may be lost (every member at the sink, every recipient row
 * DELIVERED, the post DONE), and copies sent twice are bounded by what was in flight at each kill:
 * the recipients the sink had accepted but the database had not recorded when the process died, and
 * never more than kills x max-connections x max-recipients-per-transaction.
 */
class CrashRecoveryIT {
  private static final int MEMBERS = 20_000;
  private static final int MAX_CONNECTIONS = 20;
  private static final int MAX_RCPTS = 50;
  private static final double[] KILL_AT = {0.1, 0.4, 0.7};
  private static final Duration STEP = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void killedThreeTimesLosesNothingAndResendsOnlyWhatWasInFlight() throws Exception {
    try (DeliveryWorkload w = new DeliveryWorkload(tmp, 10, 200, MEMBERS)) {
      Map<String, String> props =
          w.properties(
              Map.of(
                  "fanmail.delivery.lease",
                  "3s",
                  "fanmail.delivery.max-connections",
                  String.valueOf(MAX_CONNECTIONS),
                  "fanmail.delivery.max-connections-per-host",
                  "2",
                  "fanmail.delivery.max-recipients-per-transaction",
                  String.valueOf(MAX_RCPTS)));
      List<Integer> atRisk = new ArrayList<>();
      long started = System.nanoTime();
      long post = -1;
      for (double fraction : KILL_AT) {
        FanmailProcess p = FanmailProcess.start(tmp, props);
        try {
          p.awaitReady(STEP);
          if (post < 0) {
            post = w.post();
          }
          int threshold = (int) (MEMBERS * fraction);
          assertTrue(
              SmtpSink.await(STEP, () -> w.copiesSeen() >= threshold),
              "sink saw "
                  + w.copiesSeen()
                  + " copies, waiting for "
                  + threshold
                  + "\n"
                  + p.output());
          p.kill();
        } finally {
          p.close();
        }
        // The killed process's connections end when the sink reads their EOF; only then is the
        // sink's picture final.
        assertTrue(SmtpSink.await(STEP, () -> w.sink.openConnections() == 0));
        Set<String> unrecorded = new HashSet<>(w.copies().keySet());
        unrecorded.removeAll(w.recipientsIn("DELIVERED"));
        atRisk.add(unrecorded.size());
        System.out.printf(
            "kill at >= %d copies: sink had %d copies, %d of them not yet recorded DELIVERED;"
                + " recipients %s%n",
            (int) (MEMBERS * fraction), w.copiesSeen(), unrecorded.size(), w.states());
      }
      try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
        p.awaitReady(STEP);
        long id = post;
        assertTrue(
            w.db.awaitPostState(id, "DONE", Duration.ofSeconds(90)),
            "post DONE after the last restart; recipients " + w.states() + "\n" + p.output());
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      Map<String, Integer> copies = w.copies();
      Set<String> missing = w.everyMember();
      missing.removeAll(copies.keySet());
      assertEquals(Set.of(), missing, "members the sink never saw (first few)");
      assertEquals(
          MEMBERS, w.recipientsIn("DELIVERED").size(), "recipient rows DELIVERED: " + w.states());
      int duplicates = DeliveryWorkload.duplicates(copies);
      int inFlight = atRisk.stream().mapToInt(Integer::intValue).sum();
      int bound = KILL_AT.length * MAX_CONNECTIONS * MAX_RCPTS;
      System.out.printf(
          "crash recovery: %d recipients, %d kills, %d duplicates (sent but unrecorded at each"
              + " kill: %s; bound %d), %.1f s including four starts%n",
          MEMBERS, KILL_AT.length, duplicates, atRisk, bound, seconds);
      assertTrue(
          duplicates <= inFlight,
          "duplicates " + duplicates + " exceed the copies unrecorded at the kills " + atRisk);
      assertTrue(duplicates <= bound, "duplicates " + duplicates + " exceed " + bound);
    }
  }
}
