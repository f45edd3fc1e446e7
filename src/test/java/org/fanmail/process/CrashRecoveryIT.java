package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety of delivery: a large post (200 domains on 10 sink hosts) is delivered by a fanmail
 * process that is killed with SIGKILL several times and restarted on the same database. Two runs:
 * 20,000 recipients with kills at 10 %, 40 % and 70 % of the copies, and 50,000 recipients with ten
 * kills at seeded random moments (the seed is printed; {@code -Dcrash.seed=N} replays a run). A
 * random moment is a number of copies the sink has seen, anywhere from 0 (in the middle of
 * expansion) to 95 %.
 *
 * <p>Nothing accepted may be lost (every member at the sink, every recipient row DELIVERED, the
 * post DONE), and copies sent twice are bounded by what was in flight at each kill: the copies the
 * sink had accepted since the previous kill to recipients the database had not recorded when the
 * process died, and never more than kills x max-connections x max-recipients-per-transaction.
 *
 * <p>The lease and the scan interval are the defaults (5 minutes, 5 s): the rows the killed process
 * had leased must be taken over by the restarted one within {@link #TAKEOVER} of its being ready
 * (its instance lock is gone with it), not when their lease runs out.
 */
class CrashRecoveryIT {
  private static final int MAX_CONNECTIONS = 20;
  private static final int MAX_RCPTS = 50;
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final Duration TAKEOVER = Duration.ofSeconds(10);

  @TempDir Path tmp;

  static Stream<Arguments> runs() {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    return Stream.of(
        Arguments.of("3 fixed kills", 20_000, new double[] {0.1, 0.4, 0.7}),
        Arguments.of("10 kills, seed " + seed, 50_000, randomMoments(seed, 10)));
  }

  /** {@code kills} sorted fractions of the copies in [0, 0.95) from a seeded generator. */
  static double[] randomMoments(long seed, int kills) {
    System.out.printf("crash recovery: kill moments from seed %d (-Dcrash.seed=%d)%n", seed, seed);
    Random random = new Random(seed);
    double[] at = new double[kills];
    for (int i = 0; i < kills; i++) {
      at[i] = random.nextDouble() * 0.95;
    }
    Arrays.sort(at);
    return at;
  }

  @ParameterizedTest(name = "{0}: {1} recipients")
  @MethodSource("runs")
  void killedRepeatedlyLosesNothingAndResendsOnlyWhatWasInFlight(
      String name, int members, double[] killAt) throws Exception {
    try (DeliveryWorkload w = new DeliveryWorkload(tmp, 10, 200, members)) {
      Map<String, String> props =
          w.properties(
              Map.of(
                  // The default, not the workload's 1 s: the takeover check runs with the scan.
                  "fanmail.delivery.scan-interval",
                  "5s",
                  "fanmail.delivery.max-connections",
                  String.valueOf(MAX_CONNECTIONS),
                  "fanmail.delivery.max-connections-per-host",
                  "2",
                  "fanmail.delivery.max-recipients-per-transaction",
                  String.valueOf(MAX_RCPTS)));
      List<Integer> atRisk = new ArrayList<>();
      long started = System.nanoTime();
      long post = -1;
      Map<String, Integer> before = Map.of();
      Set<String> dead = Set.of();
      List<Double> takeovers = new ArrayList<>();
      for (double fraction : killAt) {
        long spawned = System.nanoTime();
        FanmailProcess p = FanmailProcess.start(tmp, props);
        try {
          p.awaitReady(STEP);
          takeovers.add(awaitTakeover(w, dead, p, spawned));
          if (post < 0) {
            post = w.post();
          }
          int threshold = (int) (members * fraction);
          assertTrue(
              Await.until(STEP, () -> w.copiesSeen() >= threshold),
              "sink saw "
                  + w.copiesSeen()
                  + " copies, waiting for "
                  + threshold
                  + "\n"
                  + p.output());
          p.kill();
          dead = w.liveLeaseOwners();
          System.out.printf(
              "killed: %d rows leased by %s for the default lease%n", w.rowsLeasedTo(dead), dead);
        } finally {
          p.close();
        }
        // The killed process's connections end when the sink reads their EOF; only then is the
        // sink's picture final.
        assertTrue(Await.until(STEP, () -> w.sink.openConnections() == 0));
        // At risk of a second copy: copies the sink accepted since the previous kill to
        // recipients the database has not recorded DELIVERED.
        Map<String, Integer> now = w.copies();
        Set<String> unrecorded = new HashSet<>(now.keySet());
        unrecorded.removeAll(w.recipientsIn("DELIVERED"));
        int sentUnrecorded = 0;
        for (String r : unrecorded) {
          sentUnrecorded += now.get(r) - before.getOrDefault(r, 0);
        }
        before = now;
        atRisk.add(sentUnrecorded);
        System.out.printf(
            "kill at >= %d copies: sink had %d copies, %d sent since the last kill and not yet"
                + " recorded DELIVERED; recipients %s%n",
            (int) (members * fraction), w.copiesSeen(), sentUnrecorded, w.states());
      }
      long spawned = System.nanoTime();
      try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
        p.awaitReady(STEP);
        takeovers.add(awaitTakeover(w, dead, p, spawned));
        long id = post;
        w.db.awaitPost(
            id,
            "DONE",
            Duration.ofSeconds(90),
            () -> "post DONE after the last restart; recipients " + w.states() + "\n" + p.output());
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      Map<String, Integer> copies = w.copies();
      Set<String> missing = w.everyMember();
      missing.removeAll(copies.keySet());
      assertEquals(Set.of(), missing, "members the sink never saw (first few)");
      assertEquals(
          members, w.recipientsIn("DELIVERED").size(), "recipient rows DELIVERED: " + w.states());
      int duplicates = DeliveryWorkload.duplicates(copies);
      int inFlight = atRisk.stream().mapToInt(Integer::intValue).sum();
      int bound = killAt.length * MAX_CONNECTIONS * MAX_RCPTS;
      System.out.printf(
          "crash recovery (%s): %d recipients, %d kills, %d duplicates (sent but unrecorded at"
              + " each kill: %s; bound %d), %.1f s including %d starts; seconds from ready to"
              + " the killed process's rows taken over, per start: %s%n",
          name,
          members,
          killAt.length,
          duplicates,
          atRisk,
          bound,
          seconds,
          killAt.length + 1,
          takeovers);
      assertTrue(
          duplicates <= inFlight,
          "duplicates " + duplicates + " exceed the copies unrecorded at the kills " + atRisk);
      assertTrue(duplicates <= bound, "duplicates " + duplicates + " exceed " + bound);
    }
  }

  /**
   * Seconds from the restarted process being ready until none of the post's rows is leased to
   * {@code dead} (the killed process's owner ids) any more; fails past {@link #TAKEOVER}. The rows
   * still leased when it was ready are printed too: usually none, the start-up check took them.
   */
  private static double awaitTakeover(
      DeliveryWorkload w, Set<String> dead, FanmailProcess p, long spawned) throws Exception {
    long ready = System.nanoTime();
    if (dead.isEmpty()) {
      return 0;
    }
    int left = w.rowsLeasedTo(dead);
    boolean done =
        Await.until(
            TAKEOVER,
            () -> {
              try {
                return w.rowsLeasedTo(dead) == 0;
              } catch (Exception e) {
                return false;
              }
            });
    double seconds = (System.nanoTime() - ready) / 1e9;
    System.out.printf(
        "restart: %d rows leased by the killed process when ready; none left %.1f s after ready,"
            + " %.1f s after the process was started; its log: %s%n",
        left,
        seconds,
        (System.nanoTime() - spawned) / 1e9,
        p.output()
            .lines()
            .filter(l -> l.contains("its lock is free") || l.contains(" started in "))
            .toList());
    assertTrue(
        done,
        left
            + " rows leased by the killed process ("
            + dead
            + ") not taken over within "
            + TAKEOVER
            + "; still "
            + w.rowsLeasedTo(dead)
            + "\n"
            + p.output());
    return seconds;
  }
}
