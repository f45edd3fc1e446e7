package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Destinations found through DNS never lead to loopback, private, link-local, unspecified or
 * multicast addresses; the operator's routes (transport map, relay host) still may. Against a real
 * dnsmasq on a free loopback port, stopped by its PID afterwards.
 */
class DestinationScopeDnsmasqTest {
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
                "--local-ttl=600", // answers cached by TTL (MxResolver), as real ones are
                "--mx-host=private.test,mx.private.test,10",
                "--host-record=mx.private.test,10.1.2.3",
                "--mx-host=mixed.test,inside.mixed.test,10",
                "--mx-host=mixed.test,outside.mixed.test,20",
                "--host-record=inside.mixed.test,192.168.7.7",
                "--host-record=outside.mixed.test,192.0.2.25",
                "--host-record=loopback.test,127.0.0.5",
                "--host-record=v6loop.test,::1",
                "--host-record=ula.test,fd00::25",
                "--host-record=linklocal.test,169.254.169.254",
                "--host-record=public.test,192.0.2.10",
                "--host-record=relay.internal.test,10.9.9.9"));
    MxResolver probe = mx();
    assertTrue(
        Await.until(
            Duration.ofSeconds(10),
            () -> probe.resolve("public.test", 25).routable() || !dnsmasq.isAlive()),
        "dnsmasq answers");
  }

  @AfterAll
  static void stopDnsmasq() throws Exception {
    DmarcDns.stop(dnsmasq);
  }

  private static MxResolver mx() {
    return new MxResolver(List.of("127.0.0.1:" + port), Duration.ofSeconds(2), Clock.systemUTC());
  }

  private static DestinationResolver dnsOnly() {
    return new DestinationResolver(Optional.empty(), Optional.empty(), mx(), 25);
  }

  @Test
  void aDomainWhoseHostsAreAllNonPublicFailsForGood() {
    for (String domain :
        List.of("private.test", "loopback.test", "v6loop.test", "ula.test", "linklocal.test")) {
      Destination d = dnsOnly().resolve(domain);
      assertEquals(Destination.Outcome.PERMANENT, d.outcome(), domain + ": " + d);
      assertTrue(d.reason().startsWith("5.4.4 "), d.reason());
      assertTrue(d.reason().contains("non-public address"), d.reason());
    }
  }

  @Test
  void nonPublicMxHostsAreDroppedPublicOnesKept() {
    Destination d = dnsOnly().resolve("mixed.test");
    assertTrue(d.routable(), d.toString());
    assertEquals(List.of(new HostPort("outside.mixed.test", 25)), d.hosts());
    assertEquals(1, d.preferredCount());
    assertEquals(
        List.of(new HostPort("public.test", 25)), dnsOnly().resolve("public.test").hosts());
  }

  @Test
  void atConnectTimeANonPublicHostHasNoAddress() throws Exception {
    UnknownHostException e =
        assertThrows(UnknownHostException.class, () -> dnsOnly().addresses("mx.private.test"));
    assertTrue(e.getMessage().contains("10.1.2.3"), e.getMessage());
    assertThrows(UnknownHostException.class, () -> dnsOnly().addresses("127.0.0.1"));
    assertEquals(List.of(InetAddress.getByName("192.0.2.10")), dnsOnly().addresses("public.test"));
  }

  /**
   * What the expansion answers without a hop to the resolver pool: nothing before a look-up, then
   * the same answer a look-up gives while it is cached (a domain's hosts after the non-public
   * check, a refusal), and an operator's route to a named host at once.
   */
  @Test
  void aCachedAnswerIsTheLookUpsAnswerWithoutALookUp() throws Exception {
    DestinationResolver r = dnsOnly();
    assertTrue(r.resolveCached("public.test").isEmpty(), "nothing cached yet");
    Destination looked = r.resolve("public.test");
    assertEquals(
        Optional.of(looked.hosts()), r.resolveCached("public.test").map(Destination::hosts));
    assertTrue(r.resolveCached("loopback.test").isEmpty());
    assertEquals(Destination.Outcome.PERMANENT, r.resolve("loopback.test").outcome());
    Destination refused = r.resolveCached("loopback.test").orElseThrow();
    assertEquals(Destination.Outcome.PERMANENT, refused.outcome());
    assertTrue(refused.reason().contains("non-public address"), refused.reason());
    assertTrue(r.resolveCached("mixed.test").isEmpty());
    Destination mixed = r.resolve("mixed.test");
    assertEquals(List.of(new HostPort("outside.mixed.test", 25)), mixed.hosts());
    assertEquals(Optional.of(mixed.hosts()), r.resolveCached("mixed.test").map(Destination::hosts));

    Path map = Files.createTempFile(dir, "transport", ".map");
    Files.writeString(map, "loopback.test [127.0.0.1]:2525\nprivate.test relay.internal.test:25\n");
    DestinationResolver routed =
        new DestinationResolver(Optional.of(new TransportMap(map, 25)), Optional.empty(), mx(), 25);
    assertEquals(
        Optional.of(List.of(new HostPort("127.0.0.1", 2525))),
        routed.resolveCached("loopback.test").map(Destination::hosts));
    // A route whose host's MX is looked up needs that look-up first.
    assertTrue(routed.resolveCached("private.test").isEmpty());
    routed.resolve("private.test");
    assertEquals(
        Optional.of(List.of(new HostPort("relay.internal.test", 25))),
        routed.resolveCached("private.test").map(Destination::hosts));
  }

  @Test
  void theOperatorsRoutesMayLeadAnywhere() throws Exception {
    Path map = Files.createTempFile(dir, "transport", ".map");
    Files.writeString(map, "loopback.test [127.0.0.1]:2525\nprivate.test relay.internal.test:25\n");
    DestinationResolver r =
        new DestinationResolver(Optional.of(new TransportMap(map, 25)), Optional.empty(), mx(), 25);
    assertEquals(List.of(new HostPort("127.0.0.1", 2525)), r.resolve("loopback.test").hosts());
    assertEquals(
        List.of(new HostPort("relay.internal.test", 25)), r.resolve("private.test").hosts());
    assertEquals(List.of(InetAddress.getByName("127.0.0.1")), r.addresses("127.0.0.1"));
    assertEquals(List.of(InetAddress.getByName("10.9.9.9")), r.addresses("relay.internal.test"));
    // A host no route names is still checked.
    assertThrows(UnknownHostException.class, () -> r.addresses("mx.private.test"));

    DestinationResolver relayed =
        new DestinationResolver(
            Optional.empty(), Optional.of(TransportMap.parseRoute("[10.1.2.3]:587", 25)), mx(), 25);
    assertTrue(relayed.resolve("anything.test").routable());
    assertEquals(List.of(InetAddress.getByName("10.1.2.3")), relayed.addresses("10.1.2.3"));
  }

  @Test
  void allowedNetworksCountAsPublicOthersStayRefused() throws Exception {
    DestinationResolver r =
        new DestinationResolver(
            Optional.empty(),
            Optional.empty(),
            mx(),
            25,
            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.5")));
    assertEquals(List.of(new HostPort("mx.private.test", 25)), r.resolve("private.test").hosts());
    assertEquals(List.of(InetAddress.getByName("10.1.2.3")), r.addresses("mx.private.test"));
    assertTrue(r.resolve("loopback.test").routable());
    // 192.168/16 and ::1 are not in the list.
    assertEquals(List.of(new HostPort("outside.mixed.test", 25)), r.resolve("mixed.test").hosts());
    assertEquals(Destination.Outcome.PERMANENT, r.resolve("v6loop.test").outcome());
  }

  @Test
  void cidrParsingAndMatching() throws Exception {
    Cidr v4 = Cidr.parse("172.16.0.0/12");
    assertTrue(v4.contains(InetAddress.getByName("172.31.255.255")));
    assertFalse(v4.contains(InetAddress.getByName("172.32.0.0")));
    assertFalse(v4.contains(InetAddress.getByName("::1")));
    assertTrue(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12:3456::1")));
    assertFalse(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fc00::1")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
    for (String bad : List.of("mx.example", "10.0.0.0/33", "::/129", "10.0.0.0/x", "")) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
  }

  @Test
  void addressScopes() throws Exception {
    for (String a :
        List.of(
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1")) {
      assertFalse(AddressScope.isPublic(InetAddress.getByName(a)), a);
    }
    for (String a :
        List.of("192.0.2.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2001:db8::1", "2a00::1")) {
      assertTrue(AddressScope.isPublic(InetAddress.getByName(a)), a);
    }
  }
}
