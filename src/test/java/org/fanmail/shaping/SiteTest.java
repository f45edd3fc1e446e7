package org.fanmail.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One site's live state, driven by a clock of the test's own: the concurrency window grows with
 * successes and shrinks with failures (floor one), a failed cohort suspends, reply rules throttle
 * or suspend after their number of matches within their window, states lapse on time (recovery),
 * and deferred recipients of a rule's reply are retried when the site opens.
 */
class SiteTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Reply RATE = Reply.parse("421 4.7.0 Too many messages, slow down");
  static final Reply TSS = Reply.parse("421 4.7.0 [TSS04] Messages temporarily deferred");
  static final Reply OTHER = Reply.parse("451 4.3.0 Temporary local problem");

  static SiteProfile profile(String yaml) {
    return ShapingFile.parse(
            "t.yaml",
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
            ShapingFileTest.FALLBACK)
        .defaults();
  }

  static final SiteProfile RULES =
      profile(
          """
          defaults:
            connections: 6
            initial-connections: 2
            failed-cohort: 3
            failed-cohort-suspend: 2m
            messages-per-minute: 600
            rules:
              - {name: tss, code: 421, text: "TSS0", action: suspend, for: 1h}
              - name: rate
                code: 421
                enhanced: "4.7.0"
                matches: 3
                within: 1m
                action: throttle
                for: 10m
                connections: 1
                messages-per-minute: 60
          """);

  @Test
  void theWindowGrowsPerWindowOfSuccessesAndShrinksPerFailure() {
    Site s = new Site("s", List.of("mx.s:25"), RULES);
    assertEquals(2, s.connectionLimit(T0), "initial");
    s.observe(true, false, List.of(), T0); // 2 + 1/2
    assertEquals(2, s.connectionLimit(T0));
    s.observe(true, false, List.of(), T0); // 2.5 + 0.4
    s.observe(true, false, List.of(), T0); // 2.9 + 0.34 = 3.24
    assertEquals(3, s.connectionLimit(T0), "one more after a window's worth of successes");
    for (int i = 0; i < 100; i++) {
      s.observe(true, false, List.of(), T0);
    }
    assertEquals(6, s.connectionLimit(T0), "never above the profile's connections");
    s.observe(false, true, List.of(OTHER), T0);
    assertEquals(5, s.connectionLimit(T0), "one less per failure");
    s.observe(false, true, List.of(OTHER), T0);
    s.observe(true, false, List.of(), T0); // a success between: the cohort starts again
    for (int i = 0; i < 2; i++) {
      s.observe(false, true, List.of(OTHER), T0);
    }
    assertEquals(2, s.connectionLimit(T0));
    s.observe(false, true, List.of(OTHER), T0);
    assertEquals(1, s.connectionLimit(T0), "floor 1");
    assertEquals(SiteState.NORMAL, s.state(T0), "three in a row, but not all at a window of 1");
    assertEquals(SiteState.SUSPENDED, s.observe(false, true, List.of(OTHER), T0).state());
  }

  @Test
  void aFailedCohortSuspendsBrieflyAndTheSiteRecovers() {
    Site s = new Site("s", List.of("mx.s:25"), RULES);
    Site.Transition t = null;
    for (int i = 0; i < 3 && t == null; i++) {
      t = s.observe(false, true, List.of(Reply.parse("4.4.1 connect: refused")), T0);
    }
    assertNotNull(t, "three failures in a row at a window of one");
    assertEquals(SiteState.SUSPENDED, t.state());
    assertEquals(T0.plus(Duration.ofMinutes(2)), t.until());
    assertTrue(t.reason().startsWith("failed cohort: 3 transactions in a row failed"), t.reason());
    assertEquals(0, s.connectionLimit(T0.plusSeconds(119)), "closed until the time");
    assertEquals(SiteState.NORMAL, s.state(T0.plusSeconds(120)), "open again at the time");
    assertEquals(1, s.connectionLimit(T0.plusSeconds(120)), "and starts small");
    Reply refused = Reply.parse("4.4.1 connect: refused");
    assertEquals(
        T0.plusSeconds(300),
        s.retryAt(refused, T0.plusSeconds(300), T0),
        "a genuine deferral keeps the retry schedule");
  }

  @Test
  void aThrottleRuleFiresAfterItsMatchesWithinItsWindow() {
    Site s = new Site("s", List.of("mx.s:25"), RULES);
    for (int i = 0; i < 10; i++) {
      s.observe(true, false, List.of(), T0);
    }
    assertNull(s.observe(false, true, List.of(RATE), T0));
    // The second match comes after the window of the first: the count starts again.
    assertNull(s.observe(false, true, List.of(RATE), T0.plusSeconds(61)));
    assertNull(s.observe(false, true, List.of(RATE), T0.plusSeconds(70)));
    Site.Transition t = s.observe(false, true, List.of(RATE), T0.plusSeconds(80));
    assertNotNull(t, "three within a minute");
    assertEquals(SiteState.THROTTLED, t.state());
    assertEquals(T0.plusSeconds(80).plus(Duration.ofMinutes(10)), t.until());
    assertTrue(t.reason().startsWith("rule rate: 421 4.7.0"), t.reason());
    Instant during = T0.plusSeconds(90);
    assertEquals(1, s.connectionLimit(during), "the rule's connections");
    assertEquals(60, s.messagesPerMinute(during), "the rule's rate");
    // A deferred recipient of the rule's reply comes back when the throttle ends, not in 1 h.
    Instant scheduled = during.plus(Duration.ofHours(1));
    assertEquals(t.until(), s.retryAt(RATE, scheduled, during));
    assertEquals(scheduled, s.retryAt(OTHER, scheduled, during), "other replies keep the schedule");
    Instant after = t.until();
    assertEquals(SiteState.NORMAL, s.state(after), "recovered at the time");
    assertEquals(600, s.messagesPerMinute(after), "the profile's rate again");
  }

  @Test
  void aSuspendRuleClosesTheSiteAtOnceAndAThrottleDoesNotReopenIt() {
    Site s = new Site("s", List.of("mx.s:25"), RULES);
    Site.Transition t = s.observe(false, true, List.of(TSS), T0);
    assertEquals(SiteState.SUSPENDED, t.state());
    assertEquals(T0.plus(Duration.ofHours(1)), t.until());
    assertEquals(0, s.connectionLimit(T0.plusSeconds(3599)));
    for (int i = 0; i < 3; i++) {
      assertNull(s.observe(false, true, List.of(RATE), T0.plusSeconds(i)), "stays suspended");
    }
    assertEquals(SiteState.SUSPENDED, s.state(T0.plusSeconds(10)));
    assertEquals(
        T0.plus(Duration.ofHours(1)),
        s.retryAt(TSS, T0.plus(Duration.ofHours(2)), T0),
        "retried when the site opens");
    assertEquals(SiteState.NORMAL, s.state(T0.plus(Duration.ofHours(1))));
  }

  @Test
  void anOperatorSuspendsAndResumes() {
    Site s = new Site("s", List.of(), RULES);
    Site.Transition t = s.suspend(T0.plusSeconds(600), "by hand");
    assertEquals(SiteState.SUSPENDED, t.state());
    assertEquals(0, s.connectionLimit(T0));
    t = s.resume("resumed");
    assertEquals(SiteState.NORMAL, t.state());
    assertNull(t.until());
    assertEquals(2, s.connectionLimit(T0));
  }

  @Test
  void anotherInstancesStateIsObeyed() {
    Site s = new Site("s", List.of(), RULES);
    s.apply(SiteState.THROTTLED, T0.plusSeconds(60), "rule x", 1, 30, T0);
    assertEquals(SiteState.THROTTLED, s.state(T0));
    assertEquals(30, s.messagesPerMinute(T0));
    s.apply(SiteState.NORMAL, null, "resumed", 1, 0, T0.plusSeconds(5));
    assertEquals(SiteState.NORMAL, s.state(T0.plusSeconds(5)), "an operator's resume elsewhere");
    s.apply(SiteState.SUSPENDED, T0.minusSeconds(1), "old", 1, 0, T0);
    assertEquals(SiteState.NORMAL, s.state(T0), "a lapsed row changes nothing");
  }

  @Test
  void connectionsArePacedAndMessagesCounted() {
    SiteProfile paced = profile("defaults: {connections-per-minute: 60}");
    Site s = new Site("s", List.of(), paced);
    assertEquals(0, s.connectWait(T0));
    assertEquals(1000, s.connectWait(T0), "one a second");
    assertEquals(1500, s.connectWait(T0.plusMillis(500)));
    s.sent(5, T0);
    s.sent(3, T0.plusSeconds(30));
    assertEquals(8, s.messagesLastMinute(T0.plusSeconds(59)));
    assertEquals(3, s.messagesLastMinute(T0.plusSeconds(61)), "the first second left the minute");
  }
}
