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
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized mix of destination faults at scale: 5,000 recipients on 10 sink hosts in
 * transactions of at most 10 recipients, and a sink that answers 4xx to about 10 % of recipients on
 * their first RCPT, 5xx to about 1 % always, drops about 5 % of connections after the final dot (no
 * reply), and answers about 3 % of greetings and 3 % of final dots only after 2 s (the timeouts are
 * 3 s). The retry schedule is {@code 1s,2s}. Decisions are a seeded hash of the recipient (and, for
 * drops, of its attempt), so a seed replays the same faults ({@code -Dfaults.seed=N}; printed).
 *
 * <p>Asserted: the post ends DONE; every member is DELIVERED (and at the sink) or FAILED with the
 * sink's 5xx reply stored, and exactly the 5xx recipients FAILED; every 4xx recipient delivered in
 * the end; nothing lost; each recipient's RCPTs at the sink are spaced by at least the schedule's
 * step for that attempt; copies sent twice no more than the recipients of slow transactions.
 */
class DestinationFaultsIT {
  private static final int MEMBERS = 5_000;
  private static final int MAX_RCPTS = 10;
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
  private static final Duration SLOW = Duration.ofSeconds(2);

  @TempDir Path tmp;

  /** The fault mix; every decision is a pure function of the seed and its inputs. */
  static final class Mix implements SmtpSink.FaultScript {
    final long seed;
    final AtomicInteger greetings = new AtomicInteger();
    final AtomicInteger slowGreetings = new AtomicInteger();
    final AtomicInteger slowDataReplies = new AtomicInteger();
    final AtomicInteger drops = new AtomicInteger();
    final AtomicInteger slowRecipients = new AtomicInteger();

    Mix(long seed) {
      this.seed = seed;
    }

    double roll(String what, String address, int n) {
      // m17@d3.<run tag>.test -> m17@d3: the same member rolls the same in every run.
      int at = address.indexOf('@');
      String key = at < 0 ? address : address.substring(0, address.indexOf('.', at));
      return new SplittableRandom(
              seed ^ (what + "|" + key + "|" + n).hashCode() * 0x9E3779B97F4A7C15L)
          .nextDouble();
    }

    boolean temporary(String rcpt) {
      double r = roll("rcpt", rcpt, 0);
      return r < 0.10;
    }

    boolean permanent(String rcpt) {
      double r = roll("rcpt", rcpt, 0);
      return r >= 0.10 && r < 0.11;
    }

    @Override
    public String rcptReply(String rcpt, int attempt) {
      if (permanent(rcpt)) {
        return "550 5.1.1 <" + rcpt + ">: no such user (fault)";
      }
      if (attempt == 0 && temporary(rcpt)) {
        return "450 4.2.1 <" + rcpt + ">: try again later (fault)";
      }
      return null;
    }

    @Override
    public boolean dropAfterData(String address, List<String> rcpts) {
      boolean drop = roll("drop", rcpts.get(0), copiesTried(rcpts.get(0))) < 0.05;
      if (drop) {
        drops.incrementAndGet();
      }
      return drop;
    }

    @Override
    public Duration greetingDelay(String address) {
      if (roll("greeting", address, greetings.incrementAndGet()) < 0.03) {
        slowGreetings.incrementAndGet();
        return SLOW;
      }
      return Duration.ZERO;
    }

    @Override
    public Duration dataReplyDelay(String address, List<String> rcpts) {
      if (roll("slow", rcpts.get(0), copiesTried(rcpts.get(0))) < 0.03) {
        slowDataReplies.incrementAndGet();
        slowRecipients.addAndGet(rcpts.size());
        return SLOW;
      }
      return Duration.ZERO;
    }

    /** Set by the test: how often the sink has seen {@code rcpt} so far. */
    java.util.function.ToIntFunction<String> attempts = r -> 0;

    int copiesTried(String rcpt) {
      return attempts.applyAsInt(rcpt);
    }
  }

  @Test
  void everyTemporaryFailureIsDeliveredEveryPermanentOneRecordedNothingLost() throws Exception {
    long seed = Long.getLong("faults.seed", System.nanoTime());
    System.out.printf("destination faults: seed %d (-Dfaults.seed=%d)%n", seed, seed);
    Mix mix = new Mix(seed);
    try (DeliveryWorkload w = new DeliveryWorkload(tmp, 10, 100, MEMBERS)) {
      mix.attempts = r -> w.sink.rcptAttempts(r).size();
      w.sink.faultScript(mix);
      Map<String, String> props =
          w.properties(
              Map.of(
                  "fanmail.delivery.retry-schedule", "1s,2s",
                  "fanmail.delivery.scan-interval", "250ms",
                  "fanmail.delivery.max-connections", "20",
                  "fanmail.delivery.max-connections-per-host", "2",
                  "fanmail.delivery.max-recipients-per-transaction", String.valueOf(MAX_RCPTS),
                  "fanmail.delivery.timeouts.command", "3s",
                  "fanmail.delivery.timeouts.data", "3s",
                  "fanmail.delivery.timeouts.data-done", "3s"));
      long started;
      try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
        p.awaitReady(Duration.ofSeconds(90));
        long post = w.post();
        started = System.nanoTime();
        w.db.awaitPost(
            post,
            "DONE",
            Duration.ofSeconds(120),
            () -> "post DONE; recipients " + w.states() + "\n" + p.output());
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      Set<String> temporary = new HashSet<>();
      Set<String> permanent = new HashSet<>();
      for (String m : w.everyMember()) {
        if (mix.permanent(m)) {
          permanent.add(m);
        } else if (mix.temporary(m)) {
          temporary.add(m);
        }
      }
      Set<String> delivered = w.recipientsIn("DELIVERED");
      Set<String> failed = w.recipientsIn("FAILED");
      Map<String, Integer> copies = w.copies();
      assertEquals(permanent, failed, "FAILED are exactly the 5xx recipients");
      Map<String, String> replies = w.recipientColumn("last_reply");
      for (String f : failed) {
        assertTrue(
            replies.get(f) != null && replies.get(f).contains("550 5.1.1"),
            f + " stored reply: " + replies.get(f));
      }
      Set<String> everyoneElse = w.everyMember();
      everyoneElse.removeAll(permanent);
      assertEquals(everyoneElse, delivered, "every other member DELIVERED");
      assertTrue(delivered.containsAll(temporary), "every 4xx recipient delivered");
      Set<String> lost = new HashSet<>(delivered);
      lost.removeAll(copies.keySet());
      assertEquals(Set.of(), lost, "DELIVERED but never at the sink");
      assertEquals(MEMBERS, delivered.size() + failed.size(), "nothing lost");

      List<String> tooSoon = new ArrayList<>();
      int retried = 0;
      for (String m : w.everyMember()) {
        List<SmtpSink.RcptAttempt> tries = w.sink.rcptAttempts(m);
        if (tries.size() > 1) {
          retried++;
        }
        for (int k = 1; k < tries.size(); k++) {
          Duration gap = Duration.between(tries.get(k - 1).at(), tries.get(k).at());
          Duration step = SCHEDULE.get(Math.min(k - 1, SCHEDULE.size() - 1));
          if (gap.compareTo(step) < 0) {
            tooSoon.add(m + " try " + (k + 1) + " after " + gap.toMillis() + " ms < " + step);
          }
        }
      }
      assertEquals(List.of(), tooSoon.stream().limit(10).toList(), "retries before the schedule");

      int duplicates = DeliveryWorkload.duplicates(copies);
      System.out.printf(
          "destination faults: %d recipients in %.1f s, %d transactions accepted: %d x 4xx first (all delivered), %d x 5xx"
              + " (all FAILED with the reply), %d drops after DATA, %d slow greetings, %d slow"
              + " final replies; %d recipients retried, all spaced by the schedule; %d lost, %d"
              + " duplicates%n",
          MEMBERS,
          seconds,
          w.sink.messages().size(),
          temporary.size(),
          permanent.size(),
          mix.drops.get(),
          mix.slowGreetings.get(),
          mix.slowDataReplies.get(),
          retried,
          0,
          duplicates);
      assertTrue(
          temporary.size() > MEMBERS / 20 && permanent.size() > 0, "the mix injected faults");
      assertTrue(mix.drops.get() > 0, "some connections were dropped");
      assertTrue(
          duplicates <= mix.slowRecipients.get(),
          "duplicates " + duplicates + " beyond the recipients of slow transactions");
    }
  }
}
