package org.fanmail.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SpfCheck} against a real dnsmasq serving {@link AuthZone}: every mechanism, the include /
 * redirect rules, macros, the limits of RFC 7208 §4.6.4 on both sides of each bound, and a resolver
 * that never answers (the budget ends the check as temperror on time).
 */
class SpfCheckTest {
  private static AuthZone zone;
  private static InboundDns dns;

  @BeforeAll
  static void start() throws Exception {
    zone = AuthZone.start(List.of());
    dns = new InboundDns(List.of(new InetSocketAddress("127.0.0.1", zone.port)));
  }

  @AfterAll
  static void stop() throws Exception {
    zone.close();
  }

  private static SpfCheck.Outcome check(String ip, String mailFrom, String helo) throws Exception {
    LookupBudget b = LookupBudget.of(Duration.ofSeconds(10), Duration.ofSeconds(3));
    return new SpfCheck(dns, b).check(InetAddress.getByName(ip), mailFrom, helo);
  }

  @ParameterizedTest(name = "{0} from {1}: {2}")
  @CsvSource({
    "bob@pass.test, 127.0.0.2, PASS",
    "bob@pass.test, 127.0.0.3, FAIL",
    "bob@soft.test, 127.0.0.3, SOFTFAIL",
    "bob@neutral.test, 127.0.0.3, NEUTRAL",
    "bob@a.test, 127.0.0.2, PASS",
    "bob@a.test, 127.0.0.3, FAIL",
    "bob@acidr.test, 127.0.0.3, PASS",
    "bob@acidr.test, 127.0.1.3, FAIL",
    "bob@mx.test, 127.0.0.2, PASS",
    "bob@mx.test, 127.0.0.3, FAIL",
    "bob@incl.test, 127.0.0.2, PASS",
    "bob@incl.test, 127.0.0.3, FAIL",
    "bob@redir.test, 127.0.0.2, PASS",
    "bob@redir.test, 127.0.0.3, FAIL",
    "bob@exists.test, 127.0.0.2, PASS",
    "bob@exists.test, 127.0.0.3, FAIL",
    "alice@macro.test, 127.0.0.3, PASS",
    "bob@macro.test, 127.0.0.3, FAIL",
    "bob@ptr.test, 127.0.0.2, PASS",
    "bob@ptr.test, 127.0.0.3, FAIL",
    "bob@two.test, 127.0.0.2, PERMERROR",
    "bob@syntax.test, 127.0.0.2, PERMERROR",
    "bob@nospf.test, 127.0.0.2, NONE",
    "bob@nowhere.test, 127.0.0.2, NONE",
    "bob@incnone.test, 127.0.0.2, PERMERROR",
    "bob@ten.test, 127.0.0.2, FAIL",
    "bob@eleven.test, 127.0.0.2, PERMERROR",
    "bob@void2.test, 127.0.0.2, PASS",
    "bob@void3.test, 127.0.0.2, PERMERROR",
  })
  void mailFromIdentity(String mailFrom, String ip, SpfResult expected) throws Exception {
    SpfCheck.Outcome o = check(ip, mailFrom, "client.example");
    assertEquals(expected, o.result(), mailFrom + " from " + ip + ": " + o.reason());
    assertEquals("mailfrom", o.identity());
    assertEquals(mailFrom.substring(mailFrom.indexOf('@') + 1), o.domain());
  }

  @Test
  void limitsAreNamedInTheReason() throws Exception {
    assertTrue(check("127.0.0.2", "bob@eleven.test", "h").reason().contains("more than 10 DNS"));
    assertTrue(check("127.0.0.2", "bob@void3.test", "h").reason().contains("void"));
  }

  @Test
  void nullSenderChecksTheHeloIdentity() throws Exception {
    SpfCheck.Outcome pass = check("127.0.0.2", null, "pass.test");
    assertEquals(SpfResult.PASS, pass.result());
    assertEquals("helo", pass.identity());
    assertEquals("postmaster@pass.test", pass.sender());
    assertEquals(SpfResult.FAIL, check("127.0.0.3", null, "pass.test").result());
    assertEquals(SpfResult.NONE, check("127.0.0.2", null, "[127.0.0.2]").result());
  }

  @Test
  void anIpv6ClientMatchesOnlyIpv6Networks() throws Exception {
    assertEquals(SpfResult.FAIL, check("::1", "bob@pass.test", "h").result());
  }

  @Test
  void aResolverThatNeverAnswersEndsInTemperrorWithinTheBudget() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      InboundDns dead =
          new InboundDns(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())));
      LookupBudget b = LookupBudget.of(Duration.ofMillis(1500), Duration.ofSeconds(3));
      long start = System.nanoTime();
      SpfCheck.Outcome o =
          new SpfCheck(dead, b).check(InetAddress.getByName("127.0.0.2"), "bob@pass.test", "h");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(SpfResult.TEMPERROR, o.result(), o.reason());
      // The budget is the bound (1.5 s), with slack for a loaded machine; never the 3 s timeout.
      assertTrue(took.compareTo(Duration.ofMillis(2900)) < 0, "took " + took);
    }
  }
}
