package org.fanmail.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shaping file: the shipped profiles load, every kind of fault is refused with a message that
 * names the entry, profiles inherit the defaults' limits but not their rules, reply rules match by
 * code, enhanced code and text, and host lists become sites (one per provider, one per MX set).
 */
class ShapingFileTest {
  static final SiteProfile FALLBACK =
      new SiteProfile(
          "defaults", List.of(), 10, 10, 0, 100, 0, 0, 0, Duration.ofMinutes(1), List.of());

  static ShapingPolicy parse(String yaml) {
    return ShapingFile.parse(
        "test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), FALLBACK);
  }

  @Test
  void theShippedProfilesLoad() {
    ShapingPolicy p = ShapingFile.builtin(FALLBACK);
    assertEquals(
        List.of("gmail", "outlook", "yahoo", "icloud", "gmx-webde"),
        p.profiles().stream().map(SiteProfile::name).toList());
    assertEquals(10, p.defaults().connections(), "the configuration's connections per host");
    assertEquals(List.of(), p.defaults().rules(), "no rules for unknown sites");
    for (SiteProfile profile : p.profiles()) {
      assertFalse(profile.rules().isEmpty(), profile.name() + " has rules from its source");
    }
  }

  @Test
  void profilesInheritTheDefaultsLimitsButNotTheirRules() {
    ShapingPolicy p =
        parse(
            """
            defaults:
              connections: 8
              messages-per-minute: 600
              rules:
                - {code: 421, action: throttle, for: 5m}
            profiles:
              - name: big
                mx-suffixes: [.big.example]
                connections: 3
            """);
    SiteProfile big = p.profiles().get(0);
    assertEquals(3, big.connections());
    assertEquals(3, big.initialConnections(), "the window starts at the profile's connections");
    assertEquals(600, big.messagesPerMinute(), "inherited");
    assertEquals(100, big.recipientsPerTransaction(), "the configuration's, through the defaults");
    assertEquals(List.of(), big.rules());
    assertEquals(1, p.defaults().rules().size());
    assertEquals(8, p.defaults().connections());
  }

  @Test
  void anEmptyFileIsTheConfigurationsDefaults() {
    ShapingPolicy p = parse("");
    assertEquals(FALLBACK.connections(), p.defaults().connections());
    assertEquals(List.of(), p.profiles());
  }

  @Test
  void faultsAreRefusedNamingTheEntry() {
    String[][] cases = {
      {"defaults: {connections: 0}", "defaults: connections must be a whole number from 1"},
      {"defaults: {conections: 3}", "unknown key 'conections'"},
      {"profiles: [{name: a, connections: 2}]", "profile a: mx-suffixes must be a list"},
      {"profiles: [{name: a, mx-suffixes: [google.com]}]", "is no suffix like .google.com"},
      {"profiles: [{name: Big!, mx-suffixes: [.a.b]}]", "name must be 1-63"},
      {
        "profiles: [{name: a, mx-suffixes: [.a.b]}, {name: a, mx-suffixes: [.c.d]}]",
        "the name a is taken"
      },
      {"defaults: {rules: [{code: 421, action: slow, for: 1m}]}", "action must be throttle"},
      {"defaults: {rules: [{code: 421, action: throttle}]}", "for (how long, e.g. 10m)"},
      {"defaults: {rules: [{code: 421, action: throttle, for: 8d}]}", "at most 7d"},
      {"defaults: {rules: [{code: 421, action: throttle, for: soon}]}", "like 30s, 10m"},
      {"defaults: {rules: [{code: 250, action: throttle, for: 1m}]}", "4xx or 5xx"},
      {"defaults: {rules: [{text: '(', action: suspend, for: 1m}]}", "no regular expression"},
      {"defaults: {rules: [{enhanced: '4.7', action: suspend, for: 1m}]}", ""},
      {"defaults: {rules: [{enhanced: 'x.7.0', action: suspend, for: 1m}]}", "like 4.7.0"},
      {"defaults: {rules: [{action: suspend, for: 1m}]}", "needs code, enhanced or text"},
      {"defaults: [1, 2]", "defaults must be a mapping"},
      {"- just a list", "must be a mapping with defaults and profiles"},
      {"defaults: {connections: 3", "not valid YAML"},
    };
    for (String[] c : cases) {
      if (c[1].isEmpty()) {
        parse(c[0]); // a prefix without its last dot is still a code prefix: accepted
        continue;
      }
      ShapingFileException e = assertThrows(ShapingFileException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertTrue(e.getMessage().startsWith("test.yaml"), "names the file: " + e.getMessage());
    }
  }

  @Test
  void rulesMatchByCodeEnhancedCodeAndText() {
    ReplyRule rule =
        parse(
                """
                defaults:
                  rules:
                    - {code: 421, enhanced: "4.7.", text: "(?i)rate", action: throttle, for: 1m}
                """)
            .defaults()
            .rules()
            .get(0);
    assertTrue(rule.matches(Reply.parse("421 4.7.28 Temporarily RATE limited")));
    assertTrue(rule.matches(Reply.parse("421 4.7.0 rate limited")));
    assertFalse(rule.matches(Reply.parse("451 4.7.0 rate limited")), "another code");
    assertFalse(rule.matches(Reply.parse("421 4.3.0 rate limited")), "another enhanced code");
    assertFalse(rule.matches(Reply.parse("421 4.7.0 try later")), "another text");
    ReplyRule exact =
        parse("defaults: {rules: [{enhanced: '4.7.2', action: suspend, for: 1m}]}")
            .defaults()
            .rules()
            .get(0);
    assertTrue(exact.matches(Reply.parse("421 4.7.2 x")));
    assertFalse(exact.matches(Reply.parse("421 4.7.28 x")), "4.7.2 is not a prefix of 4.7.28");
  }

  @Test
  void repliesAreFoundInFanmailsOwnReasons() {
    Reply r = Reply.parse("4.4.1 mx.example:25 greeted with 421 4.7.0 [TSS04] deferred");
    assertEquals(421, r.code());
    assertEquals("4.7.0", r.enhanced());
    Reply plain = Reply.parse("421 4.7.28 rate limited");
    assertEquals(421, plain.code());
    assertEquals("4.7.28", plain.enhanced());
    Reply none = Reply.parse("4.4.1 connect to mx.example:25: Connection refused");
    assertEquals(0, none.code());
    assertNull(none.enhanced());
    Reply gmx = Reply.parse("421 web.de (mxweb113) Nemesis ESMTP Service not available");
    assertEquals(421, gmx.code());
    assertNull(gmx.enhanced(), "GMX sends no enhanced codes");
  }

  @Test
  void hostsBecomeSites() {
    ShapingPolicy p = ShapingFile.builtin(FALLBACK);
    assertEquals(
        "gmail",
        p.siteOf("example.org", List.of("aspmx.l.google.com:25", "alt1.aspmx.l.google.com:25")));
    assertEquals(
        "gmail", p.siteOf("other.net", List.of("ALT2.ASPMX.L.GOOGLE.COM.:25")), "any case");
    assertEquals("yahoo", p.siteOf("aol.com", List.of("mx-aol.mail.gm0.yahoodns.net:25")));
    assertEquals(
        "outlook", p.siteOf("contoso.com", List.of("contoso-com.mail.protection.outlook.com:25")));
    // The same MX set in any order is one site; another set another.
    String a = p.siteOf("one.test", List.of("mx2.host.test:25", "mx1.host.test:25"));
    String b = p.siteOf("two.test", List.of("mx1.host.test:25", "mx2.host.test:25"));
    assertEquals(a, b);
    assertEquals("mx1.host.test:25,mx2.host.test:25", a);
    assertFalse(a.equals(p.siteOf("three.test", List.of("mx1.host.test:25"))));
    // A transport route is a site of its own; an unresolved destination is its own site.
    assertEquals("127.0.0.1:2525", p.siteOf("routed.test", List.of("127.0.0.1:2525")));
    assertEquals("later.test", p.siteOf("Later.Test", List.of()));
    assertSame(p.defaults(), p.profileFor(List.of("mx.mygmail.com:25")), "suffix, not substring");
  }
}
