package org.fanmail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fanmail's signatures, checked by python3-dkim (an implementation fanmail did not write) with the
 * published records as its DNS, and by fanmail's own verifier: both algorithms, dual signing, and
 * over-signing From.
 */
class DkimSignerTest {
  static final String HEADER =
      "From: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.org>\r\n"
          + "To: list@lists.example.net\r\n"
          + "Subject: [list] Hello there, this subject is long enough that somebody might fold"
          + " it\r\n"
          + "Date: Sun, 6 Dec 2026 19:00:00 +0000\r\n"
          + "Message-ID: <1@example.org>\r\n"
          + "List-Id: <list.lists.example.net>\r\n"
          + "List-Unsubscribe: <mailto:list-leave@lists.example.net>,\r\n"
          + " <https://lists.example.net/unsubscribe/abc>\r\n"
          + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
          + "MIME-Version: 1.0\r\n"
          + "Content-Type: text/plain; charset=utf-8\r\n";
  static final String REST = "\r\nHallo  Welt\r\n\r\n-- \r\nfooter\r\n\r\n";

  static KeyPair rsa;
  static KeyPair ed;
  static List<SigningKey> keys;
  static Map<String, String> zone;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
    ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    keys =
        List.of(
            new SigningKey(
                "lists.example.net", "r2026", SigningAlgorithm.RSA_SHA256, rsa.getPrivate()),
            new SigningKey(
                "lists.example.net", "e2026", SigningAlgorithm.ED25519_SHA256, ed.getPrivate()));
    zone =
        Map.of(
            "r2026._domainkey.lists.example.net",
            DkimVerifierTest.record(SigningAlgorithm.RSA_SHA256, rsa),
            "e2026._domainkey.lists.example.net",
            DkimVerifierTest.record(SigningAlgorithm.ED25519_SHA256, ed));
  }

  static byte[] signedCopy(List<SigningKey> with) throws Exception {
    byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] rest = REST.getBytes(StandardCharsets.UTF_8);
    byte[] sigs =
        DkimSigner.sign(header, DkimSigner.bodyHash(rest), with, Instant.now().getEpochSecond());
    return concat(sigs, header, rest);
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void dualSignedCopyVerifiesInPythonDkimAndHere() throws Exception {
    byte[] copy = signedCopy(keys);
    String text = new String(copy, StandardCharsets.UTF_8);
    assertTrue(text.contains("a=rsa-sha256"), text);
    assertTrue(text.contains("a=ed25519-sha256"), text);
    for (String line : text.substring(0, text.indexOf("From:")).split("\r\n")) {
      assertTrue(line.length() <= 78, "folded: " + line);
    }
    assertEquals("True True", PythonDkim.verify(copy, zone, false), PythonDkim.lastLog);
    List<DkimResult> ours =
        new DkimVerifier(DkimVerifierTest.zone(zone), Clock.systemUTC()).verify(copy);
    assertEquals(2, ours.size());
    ours.forEach(r -> assertEquals(DkimResult.Status.PASS, r.status(), r.toString()));
  }

  @Test
  void eachAlgorithmAloneVerifies() throws Exception {
    for (SigningKey k : keys) {
      assertEquals(
          "True", PythonDkim.verify(signedCopy(List.of(k)), zone, false), PythonDkim.lastLog);
    }
  }

  @Test
  void signsTheListFieldsAndOverSignsFrom() throws Exception {
    String text = new String(signedCopy(keys.subList(0, 1)), StandardCharsets.UTF_8);
    int at = text.indexOf("h=from");
    String h = text.substring(at + 2, text.indexOf(';', at));
    h = h.replaceAll("\\s", "");
    assertEquals(
        "from:from:subject:date:to:message-id:mime-version:content-type:list-id:list-unsubscribe"
            + ":list-unsubscribe-post",
        h);
  }

  @Test
  void anAddedFromOrChangedListFieldBreaksTheSignature() throws Exception {
    String copy = new String(signedCopy(keys), StandardCharsets.UTF_8);
    String addedFrom = copy.replace("To: list@", "From: mallory@evil.example\r\nTo: list@");
    assertEquals(
        "False False", PythonDkim.verify(addedFrom.getBytes(StandardCharsets.UTF_8), zone, false));
    String otherLink = copy.replace("unsubscribe/abc", "unsubscribe/xyz");
    List<DkimResult> ours =
        new DkimVerifier(DkimVerifierTest.zone(zone))
            .verify(otherLink.getBytes(StandardCharsets.UTF_8));
    ours.forEach(r -> assertEquals(DkimResult.Status.FAIL, r.status(), r.toString()));
  }

  @Test
  void publicKeyRecordsAreWhatPythonReads() {
    // The p= of an Ed25519 record is the raw 32-byte key (RFC 8463), not SubjectPublicKeyInfo.
    String p = zone.get("e2026._domainkey.lists.example.net");
    assertEquals(32, Base64.getDecoder().decode(p.substring(p.indexOf("p=") + 2)).length);
  }

  @Test
  void expiredSignatureFails() throws Exception {
    // fanmail writes no x=, and python-dkim cannot; the signature is written here with one.
    byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] rest = REST.getBytes(StandardCharsets.UTF_8);
    List<SignatureField.Tag> tags =
        List.of(
            new SignatureField.Tag("v", "1"),
            new SignatureField.Tag("a", "rsa-sha256"),
            new SignatureField.Tag("c", "relaxed/relaxed"),
            new SignatureField.Tag("d", "lists.example.net"),
            new SignatureField.Tag("s", "r2026"),
            new SignatureField.Tag("t", "1800000000"),
            new SignatureField.Tag("x", "1800000600"),
            new SignatureField.Tag("h", "from:subject"),
            new SignatureField.Tag(
                "bh", Base64.getEncoder().encodeToString(DkimSigner.bodyHash(rest))));
    MessageFields fields = MessageFields.of(header);
    byte[] sig =
        SignatureField.sign(
            "DKIM-Signature", tags, fields.select(List.of("from", "subject")), keys.get(0));
    byte[] copy = concat(sig, header, rest);
    TxtLookup dns = DkimVerifierTest.zone(zone);
    Clock before = Clock.fixed(Instant.ofEpochSecond(1_800_000_100L), ZoneOffset.UTC);
    Clock after = Clock.fixed(Instant.ofEpochSecond(1_800_000_601L), ZoneOffset.UTC);
    assertEquals(
        DkimResult.Status.PASS, new DkimVerifier(dns, before).verify(copy).get(0).status());
    DkimResult expired = new DkimVerifier(dns, after).verify(copy).get(0);
    assertEquals(DkimResult.Status.FAIL, expired.status());
    assertEquals("signature expired", expired.reason());
  }
}
