package org.fanmail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ARC sets fanmail writes, checked by python3-dkim's {@code arc_verify} (which fanmail did not
 * write): a first hop ({@code cv=none}), a second hop that changed the subject ({@code cv=pass}), a
 * broken chain ({@code cv=fail}), and the Authentication-Results payload copied from our own field
 * only.
 */
class ArcSealerTest {
  static final String MESSAGE =
      "Authentication-Results: other.example; spf=pass smtp.mailfrom=example.org\r\n"
          + "Authentication-Results: mx.lists.test; spf=pass smtp.mailfrom=example.org;\r\n"
          + " dkim=pass header.d=example.org; dmarc=pass header.from=example.org\r\n"
          + "From: Alice <alice@example.org>\r\n"
          + "To: list@lists.test\r\n"
          + "Subject: Hello\r\n"
          + "Date: Sun, 6 Dec 2026 19:00:00 +0000\r\n"
          + "Message-ID: <1@example.org>\r\n"
          + "\r\n"
          + "Body\r\n";

  static SigningKey rsaA;
  static SigningKey rsaB;
  static Map<String, String> zone = new HashMap<>();

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair a = g.generateKeyPair();
    KeyPair b = g.generateKeyPair();
    rsaA = new SigningKey("lists.test", "a", SigningAlgorithm.RSA_SHA256, a.getPrivate());
    rsaB = new SigningKey("second.test", "b", SigningAlgorithm.RSA_SHA256, b.getPrivate());
    zone.put("a._domainkey.lists.test", DkimVerifierTest.record(SigningAlgorithm.RSA_SHA256, a));
    zone.put("b._domainkey.second.test", DkimVerifierTest.record(SigningAlgorithm.RSA_SHA256, b));
  }

  /** {@code message} with an ARC set by {@code key} on top, the chain validated first. */
  static byte[] hop(byte[] message, SigningKey key, String authservId) throws Exception {
    ArcChain.Result chain =
        ArcChain.validate(message, DkimVerifierTest.zone(zone), Clock.systemUTC());
    return sealWith(message, key, authservId, chain);
  }

  static byte[] sealWith(byte[] message, SigningKey key, String authservId, ArcChain.Result chain)
      throws Exception {
    int split = indexOf(message, "\r\n\r\n") + 2;
    byte[] header = Arrays.copyOf(message, split);
    byte[] rest = Arrays.copyOfRange(message, split, message.length);
    byte[] set =
        ArcSealer.seal(
            header,
            DkimSigner.bodyHash(rest),
            chain,
            key,
            authservId,
            Instant.now().getEpochSecond());
    return DkimSignerTest.concat(set, message);
  }

  static int indexOf(byte[] m, String s) {
    return new String(m, StandardCharsets.ISO_8859_1).indexOf(s);
  }

  @Test
  void firstHopVerifiesWithCvNone() throws Exception {
    byte[] sealed = hop(MESSAGE.getBytes(StandardCharsets.UTF_8), rsaA, "mx.lists.test");
    String text = new String(sealed, StandardCharsets.UTF_8);
    assertTrue(text.contains("cv=none"), text);
    assertTrue(
        text.contains(
            "ARC-Authentication-Results: i=1; mx.lists.test;\r\n\tspf=pass"
                + " smtp.mailfrom=example.org;\r\n\tdkim=pass"),
        text);
    assertTrue(PythonDkim.verify(sealed, zone, true).startsWith("pass"), PythonDkim.lastLog);
    ArcChain.Result ours =
        ArcChain.validate(sealed, DkimVerifierTest.zone(zone), Clock.systemUTC());
    assertEquals(new ArcChain.Result(ArcChain.Validation.PASS, 1, ""), ours);
  }

  @Test
  void secondHopAfterASubjectChangeVerifiesWithCvPass() throws Exception {
    byte[] first = hop(MESSAGE.getBytes(StandardCharsets.UTF_8), rsaA, "mx.lists.test");
    // The second list validates the chain as the message arrived, then adds its prefix (the
    // first AMS no longer verifies: what the seals vouch for is the chain, and ours covers it).
    ArcChain.Result arrived =
        ArcChain.validate(first, DkimVerifierTest.zone(zone), Clock.systemUTC());
    assertEquals(ArcChain.Validation.PASS, arrived.validation(), arrived.reason());
    byte[] changed =
        new String(first, StandardCharsets.UTF_8)
            .replace("Subject: Hello", "Subject: [second] Hello")
            .getBytes(StandardCharsets.UTF_8);
    byte[] second = sealWith(changed, rsaB, "mx.second.test", arrived);
    String text = new String(second, StandardCharsets.UTF_8);
    assertTrue(text.contains("i=2; a=rsa-sha256"), text);
    assertTrue(text.contains("cv=pass"), text);
    assertTrue(text.contains("i=2; mx.second.test; none"), text);
    assertTrue(PythonDkim.verify(second, zone, true).startsWith("pass"), PythonDkim.lastLog);
    assertEquals(
        ArcChain.Validation.PASS,
        ArcChain.validate(second, DkimVerifierTest.zone(zone), Clock.systemUTC()).validation());
  }

  @Test
  void aChainBrokenBeforeUsIsSealedAsFailed() throws Exception {
    byte[] first = hop(MESSAGE.getBytes(StandardCharsets.UTF_8), rsaA, "mx.lists.test");
    // The body changed after the first seal and nobody sealed that: the newest AMS fails.
    byte[] tampered =
        new String(first, StandardCharsets.UTF_8)
            .replace("Body", "Other body")
            .getBytes(StandardCharsets.UTF_8);
    ArcChain.Result chain =
        ArcChain.validate(tampered, DkimVerifierTest.zone(zone), Clock.systemUTC());
    assertEquals(ArcChain.Validation.FAIL, chain.validation());
    assertEquals(1, chain.highest());
    assertTrue(chain.reason().contains("body hash"), chain.reason());
    byte[] second = sealWith(tampered, rsaB, "mx.second.test", chain);
    assertTrue(new String(second, StandardCharsets.UTF_8).contains("cv=fail"));
    assertEquals(
        "terminated ARC-Seal[2] reported failure, the chain is terminated",
        PythonDkim.verify(second, zone, true),
        PythonDkim.lastLog);
    // Once failed, failed: the next hop does not look further.
    ArcChain.Result after =
        ArcChain.validate(second, DkimVerifierTest.zone(zone), Clock.systemUTC());
    assertEquals(ArcChain.Validation.FAIL, after.validation());
    assertEquals("the chain failed before us", after.reason());
  }

  @Test
  void malformedChainsFail() {
    TxtLookup dns = DkimVerifierTest.zone(zone);
    Clock c = Clock.systemUTC();
    assertEquals(
        ArcChain.Validation.NONE,
        ArcChain.validate(MESSAGE.getBytes(StandardCharsets.UTF_8), dns, c).validation());
    String onlySeal = "ARC-Seal: i=1; cv=none; a=rsa-sha256; d=lists.test; s=a; b=AA==\r\n";
    ArcChain.Result r =
        ArcChain.validate((onlySeal + MESSAGE).getBytes(StandardCharsets.UTF_8), dns, c);
    assertEquals(ArcChain.Validation.FAIL, r.validation());
    assertEquals("ARC set 1 is incomplete", r.reason());
    String badInstance = "ARC-Seal: i=99; cv=none; a=rsa-sha256; d=lists.test; s=a; b=AA==\r\n";
    assertEquals(
        ArcChain.Validation.FAIL,
        ArcChain.validate((badInstance + MESSAGE).getBytes(StandardCharsets.UTF_8), dns, c)
            .validation());
  }

  @Test
  void aChainAtTheLimitGetsNoSet() throws Exception {
    byte[] m = MESSAGE.getBytes(StandardCharsets.UTF_8);
    ArcChain.Result full = new ArcChain.Result(ArcChain.Validation.PASS, ArcChain.MAX_INSTANCE, "");
    assertEquals(m.length, sealWith(m, rsaA, "mx.lists.test", full).length);
  }
}
