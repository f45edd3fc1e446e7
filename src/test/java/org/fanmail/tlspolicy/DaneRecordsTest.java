package org.fanmail.tlspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/**
 * DANE's DNS side against a signed zone served on loopback ({@link SignedZone}) and validated by
 * dnsjava's {@code ValidatingResolver} from the zone key as trust anchor: a validated MX and TLSA
 * answer is SECURE with its records, an RRset signed by a key the zone does not publish is BOGUS, a
 * zone outside every anchor is INSECURE; and what {@link TlsPolicies#decide} makes of each (DANE
 * with the usable records, a refused host, or the configured policy). Not covered here: NSEC/NSEC3
 * proofs of absence (the server has none), and delegation from the root (the anchor is the zone's
 * own key).
 */
class DaneRecordsTest {
  private static SignedZone zone;
  private static DaneRecords dane;
  private static String tlsaHex;

  @BeforeAll
  static void zone() throws Exception {
    zone = new SignedZone("dane.test");
    Name apex = Name.fromString("dane.test.");
    tlsaHex =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("a key".getBytes(StandardCharsets.US_ASCII)));
    zone.add(new MXRecord(apex, DClass.IN, 300, 10, Name.fromString("mx.dane.test.")))
        .add(
            new ARecord(
                Name.fromString("mx.dane.test."),
                DClass.IN,
                300,
                InetAddress.getByName("127.0.0.1")))
        .add(tlsa("_25._tcp.mx.dane.test.", 3, 1, 1, tlsaHex))
        .add(tlsa("_25._tcp.mx.dane.test.", 0, 0, 1, tlsaHex))
        .add(
            new MXRecord(
                Name.fromString("nodane.dane.test."),
                DClass.IN,
                300,
                10,
                Name.fromString("mx2.dane.test.")))
        .add(tlsa("_25._tcp.mx2.dane.test.", 1, 1, 1, tlsaHex))
        .add(
            new MXRecord(
                Name.fromString("forged.dane.test."),
                DClass.IN,
                300,
                10,
                Name.fromString("mx3.dane.test.")))
        .addForged(tlsa("_25._tcp.mx3.dane.test.", 3, 1, 1, tlsaHex))
        .addForged(
            new MXRecord(
                Name.fromString("bogus.dane.test."),
                DClass.IN,
                300,
                10,
                Name.fromString("mx.dane.test.")))
        .addUnsigned(
            new MXRecord(
                Name.fromString("plain.test."),
                DClass.IN,
                300,
                10,
                Name.fromString("mx.dane.test.")));
    dane =
        new DaneRecords(
            TlsPolicies.resolver(List.of("127.0.0.1:" + zone.port())),
            new ByteArrayInputStream(zone.trustAnchor().getBytes(StandardCharsets.US_ASCII)),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    zone.close();
  }

  private static TLSARecord tlsa(String name, int usage, int selector, int matching, String hex)
      throws Exception {
    return new TLSARecord(
        Name.fromString(name),
        DClass.IN,
        300,
        usage,
        selector,
        matching,
        HexFormat.of().parseHex(hex));
  }

  @Test
  void validatedAnswersAreSecureForgedOnesBogusUnanchoredOnesInsecure() {
    DaneRecords.Answer mx = dane.mx("dane.test");
    assertEquals(DaneRecords.Security.SECURE, mx.security(), String.valueOf(mx.why()));
    assertEquals(List.of("mx.dane.test"), mx.mxHosts());
    DaneRecords.Answer t = dane.tlsa("mx.dane.test", 25);
    assertEquals(DaneRecords.Security.SECURE, t.security(), String.valueOf(t.why()));
    assertEquals(2, t.tlsa().size());
    assertTrue(t.tlsa().contains(new Tlsa(3, 1, 1, tlsaHex)), t.tlsa().toString());
    assertEquals(DaneRecords.Security.BOGUS, dane.mx("bogus.dane.test").security());
    assertEquals(DaneRecords.Security.BOGUS, dane.tlsa("mx3.dane.test", 25).security());
    assertEquals(DaneRecords.Security.INSECURE, dane.mx("plain.test").security());
  }

  @Test
  void decideUsesDaneOnlyWhenMxAndTlsaValidateAndARecordIsUsable() {
    TlsPolicies p =
        new TlsPolicies(
            TlsPolicy.opportunistic, CertificateCheck.create(Optional.empty()), null, dane);
    HostTls d = p.decide(List.of("dane.test"), "MX.dane.test.", 25, true);
    assertEquals(TlsMode.DANE, d.mode());
    assertEquals(List.of(new Tlsa(3, 1, 1, tlsaHex)), d.tlsa(), "the PKIX-TA record is not usable");
    // Only a PKIX-EE record: unusable for SMTP, so opportunistic TLS.
    assertEquals(
        HostTls.of(TlsMode.OPPORTUNISTIC),
        p.decide(List.of("nodane.dane.test"), "mx2.dane.test", 25, true));
    // A forged TLSA answer: the host is not used.
    HostTls forged = p.decide(List.of("forged.dane.test"), "mx3.dane.test", 25, true);
    assertEquals(TlsMode.DANE, forged.mode());
    assertTrue(forged.refusal().startsWith("4.7.5 DANE: TLSA look-up failed"), forged.refusal());
    // A bogus MX answer defers; an insecure one leaves DANE out, as does a host the MX does not
    // name.
    HostTls bogusMx = p.decide(List.of("bogus.dane.test"), "mx.dane.test", 25, true);
    assertTrue(bogusMx.refusal().startsWith("4.7.5 DANE: MX look-up failed"), bogusMx.refusal());
    assertEquals(
        HostTls.of(TlsMode.OPPORTUNISTIC),
        p.decide(List.of("plain.test"), "mx.dane.test", 25, true));
    assertEquals(
        HostTls.of(TlsMode.OPPORTUNISTIC),
        p.decide(List.of("dane.test"), "other.dane.test", 25, true));
    // Operator routes never look.
    assertEquals(
        HostTls.of(TlsMode.OPPORTUNISTIC),
        p.decide(List.of("dane.test"), "mx.dane.test", 25, false));
  }
}
