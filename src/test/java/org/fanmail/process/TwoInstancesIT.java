package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fanmail processes on one database share a 20,000-recipient post: each must do part of the
 * work, no recipient may get two copies, and the post ends DONE with every recipient DELIVERED.
 *
 * <p>Who did what is read from each process's own log: every finished transaction logs {@code post
 * P: delivery D to H: N delivered, ...} after its outcomes are committed, so the delivered counts
 * of the two logs must add up to exactly the number of members.
 */
class TwoInstancesIT {
  private static final int MEMBERS = 20_000;

  @TempDir Path tmp;

  @Test
  void twoInstancesShareOnePostWithoutDoubleSending() throws Exception {
    try (DeliveryWorkload w = new DeliveryWorkload(tmp, 10, 200, MEMBERS)) {
      Map<String, String> props =
          w.properties(
              Map.of(
                  "fanmail.delivery.lease", "60s",
                  "fanmail.delivery.scan-interval", "250ms",
                  "fanmail.delivery.max-connections", "20",
                  "fanmail.delivery.max-connections-per-host", "2",
                  "fanmail.delivery.max-recipients-per-transaction", "50"));
      try (FanmailProcess a = FanmailProcess.start(tmp, props);
          FanmailProcess b = FanmailProcess.start(tmp, props)) {
        a.awaitReady(Duration.ofSeconds(90));
        b.awaitReady(Duration.ofSeconds(90));
        long post = w.post();
        long started = System.nanoTime();
        w.db.awaitPost(
            post, "DONE", Duration.ofSeconds(90), () -> "post DONE; recipients " + w.states());
        double seconds = (System.nanoTime() - started) / 1e9;
        // A transaction's log line follows its commit: wait until both logs account for all.
        assertTrue(
            Await.until(
                Duration.ofSeconds(10),
                () -> delivered(a.output(), post) + delivered(b.output(), post) == MEMBERS),
            "delivered per log: "
                + delivered(a.output(), post)
                + " + "
                + delivered(b.output(), post));
        int byA = delivered(a.output(), post);
        int byB = delivered(b.output(), post);
        Map<String, Integer> copies = w.copies();
        System.out.printf(
            "two instances: %d recipients in %.1f s (insert of the post to DONE); delivered by A"
                + " %d, by B %d; duplicates %d%n",
            MEMBERS, seconds, byA, byB, DeliveryWorkload.duplicates(copies));
        assertTrue(byA > 0 && byB > 0, "both instances delivered: A " + byA + ", B " + byB);
        assertEquals(0, DeliveryWorkload.duplicates(copies), "copies sent twice");
        Set<String> missing = w.everyMember();
        missing.removeAll(copies.keySet());
        assertEquals(Set.of(), missing, "members the sink never saw");
        assertEquals(MEMBERS, w.recipientsIn("DELIVERED").size(), "recipients " + w.states());
      }
    }
  }

  /** Sum of "N delivered" over the log lines of {@code post}'s finished transactions. */
  static int delivered(String log, long post) {
    Matcher m =
        Pattern.compile("post " + post + ": delivery \\d+ to \\S+: (\\d+) delivered").matcher(log);
    int n = 0;
    while (m.find()) {
      n += Integer.parseInt(m.group(1));
    }
    return n;
  }
}
