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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MX resolution against a real DNS server: dnsmasq started on a free loopback UDP port with local
 * records only ({@code --local=/test/}: every other name under {@code test} is NXDOMAIN; TTL 600 s;
 * every query logged), stopped by its PID afterwards.
 */
class MxResolverDnsmasqTest {
  private static Process dnsmasq;
  private static int port;
  private static Path dir;

  @BeforeAll
  static void startDnsmasq() throws Exception {
    assertTrue(
        Files.isExecutable(DmarcDns.DNSMASQ),
        "dnsmasq not installed: apt-get install dnsmasq-base (.ci/run does)");
    port = DmarcDns.freePort();
    dir = Files.createTempDirectory("fanmail-dnsmasq");
    dnsmasq =
        DmarcDns.start(
            port,
            dir,
            List.of(
                "--local-ttl=600",
                "--log-queries",
                "--mx-host=multi.test,mx-b.multi.test,10",
                "--mx-host=multi.test,mx-a.multi.test,10",
                "--mx-host=multi.test,backup.multi.test,20",
                "--host-record=mx-a.multi.test,127.0.1.1",
                "--host-record=mx-b.multi.test,127.0.1.2",
                "--host-record=backup.multi.test,127.0.1.3",
                "--host-record=cached.multi.test,127.0.1.4",
                "--host-record=implicit.test,127.0.1.9",
                "--dns-rr=nullmx.test,15,000000"));
    MxResolver probe = resolver();
    assertTrue(
        Await.until(
            Duration.ofSeconds(10),
            () -> probe.resolve("implicit.test", 25).routable() || !dnsmasq.isAlive()),
        "dnsmasq answers");
    assertTrue(
        dnsmasq.isAlive(),
        () -> "dnsmasq exited: " + DmarcDns.output(dir) + " " + DmarcDns.log(dir));
  }

  @AfterAll
  static void stopDnsmasq() throws Exception {
    DmarcDns.stop(dnsmasq);
  }

  private static MxResolver resolver() {
    return new MxResolver(List.of("127.0.0.1:" + port), Duration.ofSeconds(2), Clock.systemUTC());
  }

  @Test
  void mxHostsInPreferenceOrderEqualOnesShuffled() {
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Destination d = resolver().resolve("multi.test", 25);
      assertTrue(d.routable(), d.toString());
      assertEquals(3, d.hosts().size());
      assertEquals(2, d.preferredCount());
      assertEquals(
          Set.of("mx-a.multi.test:25", "mx-b.multi.test:25"),
          Set.of(d.hosts().get(0).toString(), d.hosts().get(1).toString()));
      assertEquals("backup.multi.test:25", d.hosts().get(2).toString());
      assertEquals(
          "mx-a.multi.test:25",
          Grouper.groupKey("multi.test", d, org.fanmail.config.DeliveryConfig.GroupBy.host));
      firsts.add(d.hosts().get(0).host());
    }
    assertEquals(2, firsts.size(), "equal preferences are shuffled");
  }

  @Test
  void mxHostAddressesComeFromTheConfiguredServer() throws Exception {
    assertEquals(
        List.of(InetAddress.getByName("127.0.1.1")), resolver().addresses("mx-a.multi.test"));
  }

  /**
   * The non-public check asks for every MX host's addresses for every domain of every post: within
   * the records' TTL they come from the cache, A and AAAA asked of the server once (dnsmasq's empty
   * AAAA answer has no SOA, so dnsjava's own cache never keeps it), and again once the TTL is over
   * (the AAAA at least: dnsjava's cache, on the real clock, may still answer the A).
   */
  @Test
  void hostAddressesAreAskedOnceWhileTheirTtlLasts() throws Exception {
    MutableClock clock = new MutableClock();
    MxResolver r = new MxResolver(List.of("127.0.0.1:" + port), Duration.ofSeconds(2), clock);
    List<InetAddress> expected = List.of(InetAddress.getByName("127.0.1.4"));
    for (int i = 0; i < 5; i++) {
      assertEquals(expected, r.addresses("cached.multi.test"));
    }
    assertTrue(
        Await.until(Duration.ofSeconds(5), () -> queries("cached.multi.test") >= 2),
        () -> DmarcDns.log(dir));
    assertEquals(2, queries("cached.multi.test"), "one A and one AAAA query in five look-ups");

    clock.advance(Duration.ofSeconds(601));
    assertEquals(expected, r.addresses("cached.multi.test"));
    assertTrue(
        Await.until(Duration.ofSeconds(5), () -> queries("cached.multi.test") >= 3),
        () -> "asked again after the TTL: " + DmarcDns.log(dir));
  }

  /** Queries for {@code name} in dnsmasq's log so far. */
  private static long queries(String name) {
    return DmarcDns.log(dir)
        .lines()
        .filter(l -> l.contains("query[") && l.contains(" " + name + " "))
        .count();
  }

  /** A clock the test moves forward. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void implicitMxWhenThereIsNoMx() {
    Destination d = resolver().resolve("implicit.test", 2525);
    assertTrue(d.routable(), d.toString());
    assertEquals(List.of(new HostPort("implicit.test", 2525)), d.hosts());
  }

  @Test
  void nullMxIsAPermanentFailure() {
    Destination d = resolver().resolve("nullmx.test", 25);
    assertEquals(Destination.Outcome.PERMANENT, d.outcome(), d.toString());
    assertTrue(d.reason().contains("null MX"), d.reason());
  }

  @Test
  void nxdomainIsAPermanentFailure() {
    Destination d = resolver().resolve("no-such-name.test", 25);
    assertEquals(Destination.Outcome.PERMANENT, d.outcome(), d.toString());
    assertTrue(d.reason().contains("NXDOMAIN"), d.reason());
  }

  @Test
  void unreachableServerIsATemporaryFailure() throws Exception {
    int dead;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      dead = probe.getLocalPort();
    }
    MxResolver r =
        new MxResolver(List.of("127.0.0.1:" + dead), Duration.ofMillis(300), Clock.systemUTC());
    Destination d = r.resolve("multi.test", 25);
    assertEquals(Destination.Outcome.TEMPORARY, d.outcome(), d.toString());
  }
}
