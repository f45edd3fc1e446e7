package org.fanmail.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPF record syntax (RFC 7208 §4.5, §12) and macro expansion (§7), including the RFC's examples.
 */
class SpfRecordTest {

  @Test
  void recordsAreRecognisedByTheirVersionOnly() {
    assertTrue(SpfRecord.isSpf("v=spf1"));
    assertTrue(SpfRecord.isSpf("V=SPF1 -all"));
    assertFalse(SpfRecord.isSpf("v=spf10 -all"));
    assertFalse(SpfRecord.isSpf("v=DMARC1; p=none"));
  }

  @Test
  void mechanismsKeepQualifierDomainAndCidr() throws Exception {
    SpfRecord r =
        SpfRecord.parse(
            "v=spf1 -a:mail.example.org/24//64 ~mx//48 ip4:192.0.2.0/24 ?all redirect=x.org");
    assertEquals(4, r.mechanisms().size());
    SpfRecord.Mechanism a = r.mechanisms().get(0);
    assertEquals(SpfRecord.Kind.A, a.kind());
    assertEquals(SpfResult.FAIL, a.result());
    assertEquals("mail.example.org", a.domain());
    assertEquals(24, a.ip4Prefix());
    assertEquals(64, a.ip6Prefix());
    assertEquals(48, r.mechanisms().get(1).ip6Prefix());
    assertEquals(32, r.mechanisms().get(1).ip4Prefix());
    assertEquals(SpfResult.NEUTRAL, r.mechanisms().get(3).result());
    assertEquals("x.org", r.redirect());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v=spf1 frob:example.org",
        "v=spf1 ip4:192.0.2.0/33",
        "v=spf1 ip4:192.0.2",
        "v=spf1 ip4:300.0.2.1",
        "v=spf1 ip6:2001:db8::/129",
        "v=spf1 a/024",
        "v=spf1 all:x",
        "v=spf1 include",
        "v=spf1 redirect=a.org redirect=b.org",
        "v=spf1 exists:%{z}.example.org",
        "v=spf1 exists:%{ir.example.org",
        "v=spf1 exists:%{c}.example.org",
        "v=spf1 exists:50%.example.org",
        "v=spf1 ptr/24"
      })
  void syntaxErrorsAreRefused(String record) {
    assertThrows(SpfRecord.SyntaxException.class, () -> SpfRecord.parse(record));
  }

  @Test
  void unknownModifiersAreIgnored() throws Exception {
    assertEquals(1, SpfRecord.parse("v=spf1 foo=bar.example -all").mechanisms().size());
  }

  /**
   * RFC 7208 §7.4's examples, sender strong-bad@email.example.com from 192.0.2.3 / 2001:db8::cb01.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "%{s}, strong-bad@email.example.com",
    "%{o}, email.example.com",
    "%{d}, email.example.com",
    "%{d4}, email.example.com",
    "%{d3}, email.example.com",
    "%{d2}, example.com",
    "%{d1}, com",
    "%{dr}, com.example.email",
    "%{d2r}, example.email",
    "%{l}, strong-bad",
    "%{l-}, strong.bad",
    "%{lr}, strong-bad",
    "%{lr-}, bad.strong",
    "%{l1r-}, strong",
    "%{ir}.%{v}._spf.%{d2}, 3.2.0.192.in-addr._spf.example.com",
    "%{lr-}.lp._spf.%{d2}, bad.strong.lp._spf.example.com",
    "%{d2}.trusted-domains.example.net, example.com.trusted-domains.example.net",
  })
  void rfcMacroExamples(String spec, String expected) throws Exception {
    SpfMacros.Context c =
        new SpfMacros.Context(
            "strong-bad@email.example.com",
            "strong-bad",
            "email.example.com",
            "email.example.com",
            InetAddress.getByName("192.0.2.3"),
            "mx.example.org");
    assertEquals(expected, SpfMacros.expand(spec, c));
  }

  @Test
  void ipv6AddressesExpandToNibbles() throws Exception {
    SpfMacros.Context c =
        new SpfMacros.Context(
            "a@b.c", "a", "b.c", "b.c", InetAddress.getByName("2001:db8::cb01"), "h");
    assertEquals(
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.b.c",
        SpfMacros.expand("%{ir}.%{v}._spf.%{d}", c));
  }

  @Test
  void anOverlongExpansionLosesLabelsOnTheLeft() throws Exception {
    String local = "x".repeat(60);
    SpfMacros.Context c =
        new SpfMacros.Context(
            local + "@b.c", local, "b.c", "b.c", InetAddress.getByName("192.0.2.3"), "h");
    String out = SpfMacros.expand("%{l}.%{l}.%{l}.%{l}.%{l}.example.org", c);
    assertTrue(out.length() <= 253, out);
    assertTrue(out.endsWith(".example.org"), out);
  }
}
