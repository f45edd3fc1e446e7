package org.fanmail.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier against signatures written by Debian's python3-dkim (an implementation fanmail did
 * not write): both algorithms, both canonicalizations, and each way a signature must not pass.
 */
class DkimVerifierTest {
  static final String MESSAGE =
      "From: Alice <alice@example.org>\r\n"
          + "To: list@lists.example.net\r\n"
          + "Subject:   Hello   there\r\n"
          + " folded\r\n"
          + "Date: Sun, 6 Dec 2026 19:00:00 +0000\r\n"
          + "Message-ID: <1@example.org>\r\n"
          + "\r\n"
          + "Body line  with   spaces   \r\n"
          + "\r\n"
          + "Second line\r\n"
          + "\r\n"
          + "\r\n";

  static KeyPair rsa;
  static KeyPair ed;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
    ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  static String record(SigningAlgorithm alg, KeyPair key) {
    return "v=DKIM1; k="
        + alg.keyType()
        + "; p="
        + Base64.getEncoder().encodeToString(alg.publicKeyBytes(key.getPublic()));
  }

  static TxtLookup zone(Map<String, String> records) {
    return name -> records.containsKey(name) ? List.of(records.get(name)) : List.of();
  }

  static byte[] signed(String message, String alg, KeyPair key, String canon, String... extra)
      throws Exception {
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    byte[] sig = PythonDkim.sign(m, alg, key, "example.org", "sel", canon, List.of(extra));
    byte[] out = new byte[sig.length + m.length];
    System.arraycopy(sig, 0, out, 0, sig.length);
    System.arraycopy(m, 0, out, sig.length, m.length);
    return out;
  }

  static Map<String, String> rsaZone() {
    Map<String, String> z = new HashMap<>();
    z.put("sel._domainkey.example.org", record(SigningAlgorithm.RSA_SHA256, rsa));
    return z;
  }

  static DkimResult only(List<DkimResult> results) {
    assertEquals(1, results.size(), results.toString());
    return results.get(0);
  }

  @Test
  void rsaRelaxedAndSimpleFromPythonPass() throws Exception {
    for (String canon : List.of("relaxed/relaxed", "simple/simple", "relaxed/simple")) {
      DkimResult r =
          only(new DkimVerifier(zone(rsaZone())).verify(signed(MESSAGE, "rsa-sha256", rsa, canon)));
      assertEquals(DkimResult.Status.PASS, r.status(), canon + ": " + r);
      assertEquals("example.org", r.domain());
      assertEquals("sel", r.selector());
    }
  }

  @Test
  void ed25519FromPythonPasses() throws Exception {
    Map<String, String> z =
        Map.of("sel._domainkey.example.org", record(SigningAlgorithm.ED25519_SHA256, ed));
    DkimResult r =
        only(
            new DkimVerifier(zone(z))
                .verify(signed(MESSAGE, "ed25519-sha256", ed, "relaxed/relaxed")));
    assertEquals(DkimResult.Status.PASS, r.status(), r.toString());
  }

  @Test
  void changedBodyOrSignedFieldFails() throws Exception {
    String signed =
        new String(signed(MESSAGE, "rsa-sha256", rsa, "relaxed/relaxed"), StandardCharsets.UTF_8);
    DkimVerifier v = new DkimVerifier(zone(rsaZone()));
    DkimResult body =
        only(
            v.verify(
                signed.replace("Second line", "Second lime").getBytes(StandardCharsets.UTF_8)));
    assertEquals(DkimResult.Status.FAIL, body.status());
    assertEquals("body hash did not verify", body.reason());
    DkimResult subject =
        only(v.verify(signed.replace("Hello", "[list] Hello").getBytes(StandardCharsets.UTF_8)));
    assertEquals(DkimResult.Status.FAIL, subject.status());
    assertEquals("signature did not verify", subject.reason());
    // Relaxed canonicalization forgives refolding and white space changes.
    DkimResult refolded =
        only(
            v.verify(
                signed
                    .replace("Hello   there\r\n folded", "Hello there folded")
                    .getBytes(StandardCharsets.UTF_8)));
    assertEquals(DkimResult.Status.PASS, refolded.status(), refolded.toString());
  }

  @Test
  void keyProblemsAreReported() throws Exception {
    byte[] m = signed(MESSAGE, "rsa-sha256", rsa, "relaxed/relaxed");
    assertEquals(
        DkimResult.Status.PERMERROR, only(new DkimVerifier(zone(Map.of())).verify(m)).status());
    DkimResult revoked =
        only(
            new DkimVerifier(zone(Map.of("sel._domainkey.example.org", "v=DKIM1; k=rsa; p=")))
                .verify(m));
    assertEquals(DkimResult.Status.PERMERROR, revoked.status());
    assertEquals("key revoked", revoked.reason());
    DkimResult temp =
        only(
            new DkimVerifier(
                    name -> {
                      throw new TxtLookup.TemporaryFailure("SERVFAIL");
                    })
                .verify(m));
    assertEquals(DkimResult.Status.TEMPERROR, temp.status());
    Map<String, String> wrongType =
        Map.of("sel._domainkey.example.org", record(SigningAlgorithm.ED25519_SHA256, ed));
    assertEquals(
        DkimResult.Status.PERMERROR, only(new DkimVerifier(zone(wrongType)).verify(m)).status());
    // Another RSA key under the same name: the signature does not verify.
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Map<String, String> other =
        Map.of(
            "sel._domainkey.example.org", record(SigningAlgorithm.RSA_SHA256, g.generateKeyPair()));
    assertEquals(DkimResult.Status.FAIL, only(new DkimVerifier(zone(other)).verify(m)).status());
  }

  @Test
  void bodyLengthLeavesAppendedContentUnverified() throws Exception {
    String signed =
        new String(
            signed(MESSAGE, "rsa-sha256", rsa, "relaxed/relaxed", "length=1"),
            StandardCharsets.UTF_8);
    assertTrue(signed.contains(" l="), signed);
    DkimVerifier v = new DkimVerifier(zone(rsaZone()));
    assertEquals(
        DkimResult.Status.PASS, only(v.verify(signed.getBytes(StandardCharsets.UTF_8))).status());
    DkimResult appended =
        only(
            v.verify(
                (signed + "Buy now: http://evil.example/\r\n").getBytes(StandardCharsets.UTF_8)));
    assertEquals(DkimResult.Status.NEUTRAL, appended.status(), appended.toString());
  }

  @Test
  void unreadableAndUnsupportedSignatures() {
    DkimVerifier v = new DkimVerifier(zone(rsaZone()));
    assertEquals(List.of(), v.verify(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    List<DkimResult> r =
        v.verify(
            ("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=from; bh=!!; b=AA==\r\n"
                    + "DKIM-Signature: v=1; a=rsa-sha1; d=example.org; s=sel; h=from; bh=AA==;"
                    + " b=AA==\r\n"
                    + "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=subject;"
                    + " bh=AA==; b=AA==\r\n"
                    + "DKIM-Signature: garbage\r\n"
                    + "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=from;"
                    + " bh=AA==; b=AA==; i=@evil.example\r\n"
                    + MESSAGE)
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(5, r.size());
    assertEquals(DkimResult.Status.PERMERROR, r.get(0).status());
    assertEquals(DkimResult.Status.NEUTRAL, r.get(1).status());
    assertEquals("From is not signed", r.get(2).reason());
    assertEquals(DkimResult.Status.PERMERROR, r.get(3).status());
    assertEquals("i= is not in d=", r.get(4).reason());
    // Arbitrary bytes never throw.
    byte[] junk = new byte[4096];
    new java.util.Random(7).nextBytes(junk);
    v.verify(junk);
    v.verify(
        ("DKIM-Signature:" + "a=;".repeat(10_000) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void manySignaturesAreBounded() throws Exception {
    byte[] one = signed(MESSAGE, "rsa-sha256", rsa, "relaxed/relaxed");
    String sig =
        new String(one, StandardCharsets.UTF_8).substring(0, one.length - MESSAGE.length());
    int[] lookups = {0};
    TxtLookup counting =
        name -> {
          lookups[0]++;
          return List.of(record(SigningAlgorithm.RSA_SHA256, rsa));
        };
    List<DkimResult> r =
        new DkimVerifier(counting)
            .verify((sig.repeat(15) + MESSAGE).getBytes(StandardCharsets.UTF_8));
    assertEquals(15, r.size());
    assertEquals(DkimResult.Status.PASS, r.get(9).status());
    assertEquals(DkimResult.Status.PERMERROR, r.get(10).status());
    assertEquals(1, lookups[0], "one look-up per selector and domain");
  }
}
