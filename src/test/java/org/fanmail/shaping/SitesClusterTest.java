package org.fanmail.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.fanmail.config.FanmailConfig;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one database share a site's limits: {@link Sites} of two instances (two beans
 * over the one PostgreSQL, as two processes would be) take from one token bucket, so the site's
 * messages per minute hold for the cluster, and a suspension recorded by one is obeyed by the other
 * at its refresh, as is the resume.
 */
@QuarkusTest
class SitesClusterTest {
  @Inject AgroalDataSource dataSource;
  @Inject FanmailConfig config;

  private Sites instance() {
    Sites s = new Sites(dataSource, config, new SimpleMeterRegistry());
    s.init();
    return s;
  }

  private static SiteProfile perMinute(int n) {
    return new SiteProfile(
        "defaults", List.of(), 4, 4, 0, 100, n, 0, 0, Duration.ofMinutes(1), List.of());
  }

  @Test
  void theRateOfASiteIsOneForTheCluster() {
    Sites a = instance();
    Sites b = instance();
    String key = "cluster-rate-" + UUID.randomUUID();
    // 60 a minute: one a second, a burst of five.
    Site onA = new Site(key, List.of(), perMinute(60));
    Site onB = new Site(key, List.of(), perMinute(60));
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Sites who = i % 2 == 0 ? a : b;
      Site site = i % 2 == 0 ? onA : onB;
      waits.add(who.takeTokens(site, 1, Instant.now()));
    }
    // Per instance, each would have had its own five free and waited from its sixth (i = 10, 11)
    // on; for the cluster, the sixth taken by either waits a second, the twelfth about seven.
    assertEquals(List.of(0L, 0L, 0L, 0L, 0L), waits.subList(0, 5), "the burst: " + waits);
    assertTrue(waits.get(5) >= 500 && waits.get(5) <= 1100, "the sixth waits ~1 s: " + waits);
    assertTrue(waits.get(11) >= 6000 && waits.get(11) <= 7100, "the twelfth ~7 s: " + waits);
    for (int i = 6; i < 12; i++) {
      assertTrue(waits.get(i) > waits.get(i - 1), "each waits its turn after the last: " + waits);
    }
  }

  @Test
  void aSuspensionByOneInstanceHoldsForTheOther() {
    Sites a = instance();
    Sites b = instance();
    List<String> hosts = List.of("mx.cluster-" + UUID.randomUUID() + ".test:25");
    Site onA = a.siteFor("cluster.test", hosts);
    Site onB = b.siteFor("cluster.test", hosts);
    Instant now = Instant.now();
    a.persist(onA, onA.suspend(now.plusSeconds(60), "suspended on a"));
    assertEquals(SiteState.NORMAL, onB.state(Instant.now()), "b has not read it yet");
    b.refresh();
    assertEquals(SiteState.SUSPENDED, onB.state(Instant.now()));
    assertEquals("suspended on a", onB.reason(Instant.now()));
    assertEquals(0, onB.connectionLimit(Instant.now()), "b sends nothing to it either");
    a.persist(onA, onA.resume("resumed on a"));
    b.refresh();
    assertEquals(SiteState.NORMAL, onB.state(Instant.now()));
    // A site b never sent to is made from the row, with its MX hosts.
    String other = "cluster-only-a-" + UUID.randomUUID();
    Site onlyA = new Site(other, hosts, a.policy().defaults());
    a.persist(onlyA, onlyA.suspend(Instant.now().plusSeconds(60), "x"));
    b.refresh();
    assertEquals(SiteState.SUSPENDED, b.site(other).orElseThrow().state(Instant.now()));
    assertEquals(hosts, b.site(other).orElseThrow().mxHosts());
  }
}
