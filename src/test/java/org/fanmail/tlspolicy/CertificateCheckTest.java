package org.fanmail.tlspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fanmail.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate checks of each TLS policy, with real certificates made by {@code openssl} for a
 * test authority: PKIX to the extra trust store and the host name (MTA-STS, required), TLSA
 * matching for DANE-EE and DANE-TA with every selector and matching type, and the name rules of RFC
 * 6125 and MTA-STS {@code mx} patterns; and the parsing of MTA-STS policies and TXT records.
 */
class CertificateCheckTest {
  @TempDir static Path dir;

  static TestPki pki;
  static TestPki.Identity mx;
  static TestPki.Identity wildcard;
  static TestPki.Identity stranger;
  static TestPki.Identity byAddress;
  static CertificateCheck check;

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create(dir, "fanmail test CA");
    mx = pki.issue("mx.policy.test");
    wildcard = pki.issue("*.wild.test");
    byAddress = pki.issue("relay.test", "IP:127.0.0.9");
    stranger =
        TestPki.create(Files.createDirectory(dir.resolve("other")), "other CA")
            .issue("mx.policy.test");
    check = CertificateCheck.create(Optional.of(pki.caPem()));
  }

  private static final HostTls ENFORCE = HostTls.of(TlsMode.MTA_STS);

  @Test
  void pkixAndTheHostNameUnderMtaStsAndRequired() {
    assertNull(check.check(ENFORCE, "mx.policy.test", mx.chain()));
    assertNull(check.check(HostTls.of(TlsMode.REQUIRED), "MX.Policy.Test.", mx.chain()));
    String wrongName = check.check(ENFORCE, "mx2.policy.test", mx.chain());
    assertTrue(wrongName.startsWith("4.7.5 ") && wrongName.contains("not valid for that name"));
    String untrusted = check.check(ENFORCE, "mx.policy.test", stranger.chain());
    assertTrue(untrusted.contains("not trusted"), untrusted);
    // The JDK's authorities alone do not know the test authority.
    assertNotNull(
        CertificateCheck.create(Optional.empty()).check(ENFORCE, "mx.policy.test", mx.chain()));
    assertNull(check.check(ENFORCE, "a.wild.test", wildcard.chain()));
    // A relay host given as an address matches the certificate's IP address names only.
    assertNull(check.check(HostTls.of(TlsMode.REQUIRED), "[127.0.0.9]", byAddress.chain()));
    assertNull(check.check(HostTls.of(TlsMode.REQUIRED), "127.0.0.9", byAddress.chain()));
    assertNotNull(check.check(HostTls.of(TlsMode.REQUIRED), "127.0.0.8", byAddress.chain()));
    assertNotNull(check.check(HostTls.of(TlsMode.REQUIRED), "127.0.0.9", mx.chain()));
    assertNotNull(check.check(ENFORCE, "a.b.wild.test", wildcard.chain()));
    assertNotNull(check.check(ENFORCE, "wild.test", wildcard.chain()));
  }

  @Test
  void opportunisticAndNoneCheckNothing() {
    assertNull(check.check(HostTls.of(TlsMode.OPPORTUNISTIC), "x.test", stranger.chain()));
    assertNull(check.check(HostTls.of(TlsMode.NONE), "x.test", List.of()));
    assertNotNull(check.check(ENFORCE, "x.test", List.of()), "no certificate at all");
  }

  @Test
  void daneEeMatchesTheLeafWithEverySelectorAndMatchingType() throws Exception {
    X509Certificate leaf = stranger.leaf();
    byte[] cert = leaf.getEncoded();
    byte[] spki = leaf.getPublicKey().getEncoded();
    for (Tlsa t :
        List.of(
            Tlsa.of(3, 0, 0, cert),
            Tlsa.of(3, 0, 1, sha("SHA-256", cert)),
            Tlsa.of(3, 0, 2, sha("SHA-512", cert)),
            Tlsa.of(3, 1, 0, spki),
            Tlsa.of(3, 1, 1, sha("SHA-256", spki)),
            Tlsa.of(3, 1, 2, sha("SHA-512", spki)))) {
      // DANE-EE: no PKIX (the other authority is trusted by nobody) and no name check.
      assertNull(check.check(dane(t), "any-name.test", stranger.chain()), t.toString());
      assertNotNull(check.check(dane(t), "mx.policy.test", mx.chain()), "another key: " + t);
    }
  }

  @Test
  void daneTaMatchesAnAuthorityInTheChainAndChecksTheName() throws Exception {
    X509Certificate ca = pki.caCertificate();
    Tlsa ta = Tlsa.of(2, 1, 1, sha("SHA-256", ca.getPublicKey().getEncoded()));
    assertNull(check.check(dane(ta), "mx.policy.test", mx.chain()));
    String wrongName = check.check(dane(ta), "other.policy.test", mx.chain());
    assertTrue(wrongName.contains("not valid for that name"), wrongName);
    assertNotNull(check.check(dane(ta), "mx.policy.test", stranger.chain()), "another authority");
    // A usage the RFC does not allow for SMTP (PKIX-EE) matches nothing, even with the right data.
    Tlsa pkixEe = Tlsa.of(1, 0, 1, sha("SHA-256", mx.leaf().getEncoded()));
    assertFalse(pkixEe.usable());
    assertNotNull(check.check(dane(pkixEe), "mx.policy.test", mx.chain()));
  }

  @Test
  void mtaStsPatternsCoverOneLeftmostLabel() {
    assertTrue(CertificateNames.patternMatches("*.example.com", "mx1.example.com"));
    assertTrue(CertificateNames.patternMatches("mx.example.com.", "MX.example.com"));
    assertFalse(CertificateNames.patternMatches("*.example.com", "a.b.example.com"));
    assertFalse(CertificateNames.patternMatches("*.example.com", "example.com"));
    assertFalse(CertificateNames.patternMatches("mx*.example.com", "mx1.example.com"));
    assertFalse(CertificateNames.patternMatches("*.", "a."));
  }

  @Test
  void policiesParseAndRefuseWhatTheRfcRefuses() {
    MtaStsPolicy p =
        MtaStsPolicy.parse(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "max_age: 604800\r\nextension: ignored\r\n");
    assertEquals(MtaStsPolicy.Mode.ENFORCE, p.mode());
    assertEquals(Duration.ofDays(7), p.maxAge());
    assertTrue(p.allows("mail.example.com"));
    assertTrue(p.allows("backup.example.net"));
    assertFalse(p.allows("mail.example.org"));
    assertEquals(
        MtaStsPolicy.Mode.NONE,
        MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 1\n").mode());
    for (String bad :
        List.of(
            "mode: enforce\nmx: a.test\nmax_age: 10\n",
            "version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 10\n",
            "version: STSv1\nmode: strict\nmx: a.test\nmax_age: 10\n",
            "version: STSv1\nmode: enforce\nmax_age: 10\n",
            "version: STSv1\nmode: testing\nmx: a.test\nmax_age: 31557601\n",
            "version: STSv1\nmode: testing\nmx: a.test\nmax_age: -1\n",
            "version: STSv1\nmode: testing\nmx: a.test\n")) {
      assertThrows(IllegalArgumentException.class, () -> MtaStsPolicy.parse(bad), bad);
    }
    assertEquals("20240101", MtaStsPolicies.idOf("v=STSv1; id=20240101;"));
    assertEquals("abc", MtaStsPolicies.idOf("v=STSv1;id=abc"));
    assertNull(MtaStsPolicies.idOf("v=STSv1; id=has space"));
    assertNull(MtaStsPolicies.idOf("v=STSv1;"));
  }

  private static HostTls dane(Tlsa t) {
    return new HostTls(TlsMode.DANE, List.of(t), null, null);
  }

  private static byte[] sha(String algorithm, byte[] data) throws Exception {
    return MessageDigest.getInstance(algorithm).digest(data);
  }
}
