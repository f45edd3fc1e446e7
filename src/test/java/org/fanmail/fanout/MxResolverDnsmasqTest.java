package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MX resolution against a real DNS server: dnsmasq started on a free loopback UDP port with local
 * records only ({@code --local=/test/}: every other name under {@code test} is NXDOMAIN), stopped
 * by its PID afterwards.
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
                "--mx-host=multi.test,mx-b.multi.test,10",
                "--mx-host=multi.test,mx-a.multi.test,10",
                "--mx-host=multi.test,backup.multi.test,20",
                "--host-record=mx-a.multi.test,127.0.1.1",
                "--host-record=mx-b.multi.test,127.0.1.2",
                "--host-record=backup.multi.test,127.0.1.3",
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
