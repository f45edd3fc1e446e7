package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.fanout.DmarcPolicies.Kind;
import org.fanmail.fanout.DmarcRecord.Policy;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DMARC policy look-ups against a real DNS server: dnsmasq on a free loopback port serving TXT
 * records under {@code test} (everything else there is NXDOMAIN), stopped by its PID afterwards.
 */
class DmarcPoliciesDnsmasqTest {
  private static Process dnsmasq;
  private static int port;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("fanmail-dmarc-dns");
    port = DmarcDns.freePort();
    dnsmasq = DmarcDns.start(port, dir);
    // A fresh instance per try: a failed look-up is cached for a minute.
    assertTrue(
        Await.until(
            Duration.ofSeconds(10),
            () ->
                policies(Clock.systemUTC()).policyOf("strict.test").kind() == Kind.POLICY
                    || !dnsmasq.isAlive()),
        "dnsmasq answers");
    assertTrue(dnsmasq.isAlive(), () -> DmarcDns.output(dir));
  }

  @AfterAll
  static void stop() throws Exception {
    DmarcDns.stop(dnsmasq);
  }

  private static DmarcPolicies policies(Clock clock) {
    return new DmarcPolicies(List.of("127.0.0.1:" + port), Duration.ofSeconds(2), clock, 100);
  }

  @Test
  void domainRecordDecides() {
    DmarcPolicies p = policies(Clock.systemUTC());
    DmarcPolicies.Found reject = p.policyOf("strict.test");
    assertEquals(Kind.POLICY, reject.kind());
    assertEquals(Policy.REJECT, reject.policy());
    assertTrue(reject.strict());
    assertEquals("p=reject at strict.test", reject.describe());
    assertEquals(Policy.QUARANTINE, p.policyOf("quarantine.test").policy());
    assertEquals(Policy.QUARANTINE, p.policyOf("split.test").policy());
    DmarcPolicies.Found none = p.policyOf("relaxed.test");
    assertEquals(Kind.POLICY, none.kind());
    assertEquals(false, none.strict());
  }

  @Test
  void subdomainFallsBackToTheOrganizationalDomainAndItsSubdomainPolicy() {
    DmarcPolicies p = policies(Clock.systemUTC());
    // mail.strict.test has no record: strict.test's p=reject (no sp) applies.
    DmarcPolicies.Found sub = p.policyOf("mail.strict.test");
    assertEquals(Policy.REJECT, sub.policy());
    assertEquals("strict.test", sub.at());
    // quarantine.test has sp=none: its subdomains are not strict.
    assertEquals(Policy.NONE, p.policyOf("lists.quarantine.test").policy());
    // own.quarantine.test publishes its own record, which wins over the parent's.
    assertEquals(Policy.REJECT, p.policyOf("own.quarantine.test").policy());
  }

  @Test
  void noRecordTwoRecordsAndNonDmarcTextMeanNoPolicy() {
    DmarcPolicies p = policies(Clock.systemUTC());
    assertEquals(Kind.NO_POLICY, p.policyOf("nothing.test").kind());
    assertEquals(Kind.NO_POLICY, p.policyOf("spf-only.test").kind());
    assertEquals(Kind.NO_POLICY, p.policyOf("twice.test").kind());
  }

  @Test
  void answersAreCachedUntilTheirTtlAndTheCacheIsBounded() throws Exception {
    Instant[] now = {Instant.parse("2030-01-01T00:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    DmarcPolicies p =
        new DmarcPolicies(List.of("127.0.0.1:" + port), Duration.ofSeconds(2), clock, 3);
    assertEquals(Kind.POLICY, p.policyOf("strict.test").kind());
    // The server goes away: within the TTL (dnsmasq serves local records with TTL 0 unless
    // --local-ttl; the profile sets 600 s) the cached answer still decides.
    DmarcDns.stop(dnsmasq);
    try {
      now[0] = now[0].plusSeconds(300);
      assertEquals(Kind.POLICY, p.policyOf("strict.test").kind());
      now[0] = now[0].plusSeconds(301);
      assertEquals(Kind.FAILED, p.policyOf("strict.test").kind(), "expired: asked again");
      assertEquals(
          "DMARC look-up of strict.test failed for now", p.policyOf("strict.test").describe());
      for (String d : Set.of("a.test", "b.test", "c.test", "d.test")) {
        p.policyOf(d);
      }
      assertTrue(p.cachedNames() <= 3, "bounded: " + p.cachedNames());
    } finally {
      dnsmasq = DmarcDns.start(port, dir);
      assertTrue(
          Await.until(
              Duration.ofSeconds(10),
              () -> policies(Clock.systemUTC()).policyOf("strict.test").kind() == Kind.POLICY));
    }
  }

  @Test
  void decisionFollowsModeAlwaysAndPolicy() throws Exception {
    DmarcStep step = new DmarcStep(policies(Clock.systemUTC()));
    assertEquals(
        DmarcAction.NONE, step.decide(DmarcAction.NONE, true, Set.of("strict.test")).action());
    assertEquals(
        DmarcAction.WRAP,
        step.decide(DmarcAction.WRAP, false, Set.of("relaxed.test", "strict.test")).action());
    assertEquals(
        "p=reject at strict.test",
        step.decide(DmarcAction.WRAP, false, Set.of("strict.test")).reason());
    assertEquals(
        DmarcAction.NONE,
        step.decide(DmarcAction.MUNGE_FROM, false, Set.of("relaxed.test")).action());
    assertEquals(
        DmarcAction.MUNGE_FROM,
        step.decide(DmarcAction.MUNGE_FROM, true, Set.of("relaxed.test")).action());
    assertEquals(DmarcAction.NONE, step.decide(DmarcAction.MUNGE_FROM, false, Set.of()).action());
    // A resolver that does not answer: mitigated, to be safe.
    int dead;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      dead = s.getLocalPort();
    }
    DmarcStep blind =
        new DmarcStep(
            new DmarcPolicies(
                List.of("127.0.0.1:" + dead), Duration.ofMillis(300), Clock.systemUTC(), 10));
    DmarcStep.Decision d = blind.decide(DmarcAction.MUNGE_FROM, false, Set.of("relaxed.test"));
    assertEquals(DmarcAction.MUNGE_FROM, d.action());
    assertTrue(d.reason().contains("failed for now"), d.reason());
  }
}
