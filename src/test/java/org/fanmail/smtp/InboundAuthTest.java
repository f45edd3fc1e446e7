package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.fanmail.auth.AuthZone;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound authentication end to end: posts sent over SMTP by swaks and by Python's smtplib from
 * 127.0.0.2 (allowed by the SPF records of {@link org.fanmail.auth.AuthZone}) and 127.0.0.3 (not),
 * some signed by Debian's python3-dkim with the key dnsmasq publishes, some forged; each stored
 * post carries our Authentication-Results, and on lists with {@code memberAuth} DMARC a member's
 * forged From is a non-member's post (held, or refused with 550 on a REJECT list).
 */
@QuarkusTest
@TestProfile(InboundAuthProfile.class)
class InboundAuthTest {
  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer server;

  private TestMail db;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
  }

  /** A MEMBERS list with member {@code member}; {@code memberAuth} set over REST. */
  private String list(String memberAuth, String nonMemberAction, String member) throws Exception {
    String list =
        db.listWithPolicy(TestMail.uniqueAddress("auth"), "Auth", "MEMBERS", nonMemberAction, null);
    db.memberWithRole(list, member, "MEMBER", "ACTIVE");
    AdminApi.api()
        .contentType("application/json")
        .body("{\"memberAuth\": \"" + memberAuth + "\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body("memberAuth", org.hamcrest.Matchers.equalTo(memberAuth));
    return list;
  }

  private ExternalProcess.Result swaks(
      String sourceIp, String helo, String mailFrom, String from, String to, String extraHeader)
      throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "swaks",
                "--server",
                "127.0.0.1",
                "--port",
                String.valueOf(server.port()),
                "--local-interface",
                sourceIp,
                "--ehlo",
                helo,
                "--from",
                mailFrom,
                "--to",
                to,
                "--header",
                "From: " + from,
                "--header",
                "Subject: auth test",
                "--body",
                "hello",
                "--timeout",
                "30"));
    if (extraHeader != null) {
      cmd.addAll(List.of("--add-header", extraHeader));
    }
    return ExternalProcess.run(cmd, null, 60);
  }

  private TestMail.Post only(String list) throws Exception {
    List<TestMail.Post> posts = db.posts(list);
    assertEquals(1, posts.size(), "one post stored");
    return posts.get(0);
  }

  /** Taken by the chain: no rule hit, on its way (ACCEPTED, or already expanded). */
  private static void assertAccepted(TestMail.Post p) {
    assertEquals(List.of(), p.ruleHits(), results(p));
    assertTrue(List.of("ACCEPTED", "DELIVERING", "DONE").contains(p.state()), p.state());
  }

  private static String text(TestMail.Post p) {
    return new String(p.raw(), StandardCharsets.UTF_8);
  }

  /** The value of our Authentication-Results, unfolded. */
  private static String results(TestMail.Post p) {
    String raw = text(p);
    assertTrue(raw.startsWith("Authentication-Results: fanmail.test;"), raw);
    int end = raw.indexOf("\r\nReceived: ");
    return raw.substring(0, end).replace("\r\n\t", " ");
  }

  @Test
  void memberFromAnAllowedAddressPassesSpfAndDmarc() throws Exception {
    String list = list("DMARC", "HOLD", "bob@pass.test");
    ExternalProcess.Result r =
        swaks(AuthZone.GOOD_IP, "client.pass.test", "bob@pass.test", "bob@pass.test", list, null);
    assertTrue(r.output().contains("250 2.0.0 Ok: queued as"), r.output());
    TestMail.Post p = only(list);
    assertAccepted(p);
    String ar = results(p);
    assertTrue(ar.contains("spf=pass smtp.mailfrom=bob@pass.test"), ar);
    assertTrue(ar.contains("dkim=none"), ar);
    assertTrue(ar.contains("dmarc=pass (p=reject) header.from=pass.test"), ar);
  }

  @Test
  void spoofedFromOfAMemberIsHeldOnADmarcList() throws Exception {
    String list = list("DMARC", "HOLD", "bob@pass.test");
    ExternalProcess.Result r =
        swaks(AuthZone.BAD_IP, "forger.example", "bob@pass.test", "bob@pass.test", list, null);
    assertTrue(r.output().contains("250 2.0.0 Ok: queued as"), r.output());
    TestMail.Post p = only(list);
    assertEquals("HELD", p.state());
    assertEquals(List.of("non-member"), p.ruleHits());
    assertTrue(p.reason().contains("not authenticated (DMARC)"), p.reason());
    String ar = results(p);
    assertTrue(ar.contains("spf=fail smtp.mailfrom=bob@pass.test"), ar);
    assertTrue(ar.contains("dmarc=fail (p=reject) header.from=pass.test"), ar);
  }

  @Test
  void spoofedFromOfAMemberIsRefusedOnARejectingDmarcList() throws Exception {
    String list = list("DMARC", "REJECT", "bob@pass.test");
    ExternalProcess.Result r =
        swaks(AuthZone.BAD_IP, "forger.example", "bob@pass.test", "bob@pass.test", list, null);
    assertTrue(r.output().contains("550 5.7.1"), r.output());
    assertTrue(db.posts(list).isEmpty(), "nothing stored");
  }

  @Test
  void aListWithoutMemberAuthStillTakesTheSpoofButRecordsTheFailure() throws Exception {
    String list = list("NONE", "HOLD", "bob@pass.test");
    swaks(AuthZone.BAD_IP, "forger.example", "bob@pass.test", "bob@pass.test", list, null);
    TestMail.Post p = only(list);
    assertAccepted(p);
    assertTrue(results(p).contains("dmarc=fail"), results(p));
  }

  @Test
  void aRelaxedSubdomainAlignsButAStrictRecordDoesNot() throws Exception {
    String relaxed = list("DMARC", "HOLD", "bob@news.pass.test");
    swaks(AuthZone.GOOD_IP, "h.example", "bounce@pass.test", "bob@news.pass.test", relaxed, null);
    TestMail.Post ok = only(relaxed);
    assertAccepted(ok);
    assertTrue(results(ok).contains("dmarc=pass (p=reject) header.from=news.pass.test"));

    String strict = list("DMARC", "HOLD", "bob@news.strict.test");
    swaks(AuthZone.GOOD_IP, "h.example", "b@strict.test", "bob@news.strict.test", strict, null);
    TestMail.Post held = only(strict);
    assertEquals("HELD", held.state(), results(held));
    assertTrue(results(held).contains("spf=pass smtp.mailfrom=b@strict.test"), results(held));
    assertTrue(results(held).contains("dmarc=fail (p=quarantine)"), results(held));
  }

  @Test
  void aMemberOfADomainWithoutDmarcNeedsAnAlignedPassAllTheSame() throws Exception {
    String list = list("DMARC", "HOLD", "carol@a.test");
    swaks(AuthZone.BAD_IP, "forger.example", "carol@a.test", "carol@a.test", list, null);
    TestMail.Post held = only(list);
    assertEquals("HELD", held.state());
    assertTrue(results(held).contains("dmarc=none header.from=a.test"), results(held));

    String list2 = list("DMARC", "HOLD", "carol@a.test");
    swaks(AuthZone.GOOD_IP, "client.a.test", "carol@a.test", "carol@a.test", list2, null);
    TestMail.Post ok = only(list2);
    assertAccepted(ok);
    assertTrue(results(ok).contains("spf=pass"), results(ok));
  }

  @Test
  void theNullSenderIsCheckedByItsHelo() throws Exception {
    String list = list("NONE", "HOLD", "x@pass.test");
    swaks(AuthZone.GOOD_IP, "pass.test", "<>", "x@pass.test", list, null);
    TestMail.Post p = only(list);
    assertTrue(results(p).contains("spf=pass smtp.helo=pass.test"), results(p));
  }

  @Test
  void resultsFromOutsideClaimingOurNameAreRemovedOthersKept() throws Exception {
    String list = list("NONE", "HOLD", "bob@pass.test");
    ExternalProcess.Result r =
        swaks(
            AuthZone.BAD_IP,
            "forger.example",
            "bob@pass.test",
            "bob@pass.test",
            list,
            "Authentication-Results: FANMAIL.test; dmarc=pass header.from=pass.test\n"
                + "Authentication-Results: other.example; spf=pass smtp.mailfrom=pass.test");
    assertTrue(r.output().contains("250 2.0.0"), r.output());
    String raw = text(only(list));
    assertEquals(1, count(raw, "Authentication-Results: fanmail.test;"), raw);
    assertEquals(0, count(raw.toLowerCase(), "authentication-results: fanmail.test; dmarc=pass"));
    assertEquals(1, count(raw, "Authentication-Results: other.example;"), raw);
    assertTrue(results(only(list)).contains("dmarc=fail"), raw);
  }

  @Test
  void requestsAndBouncesAreNotChecked() throws Exception {
    String list = list("DMARC", "HOLD", "bob@pass.test");
    String request = list.replace("@", "-request@");
    ExternalProcess.Result r =
        swaks(AuthZone.BAD_IP, "forger.example", "bob@pass.test", "bob@pass.test", request, null);
    assertTrue(r.output().contains("250 2.0.0 Ok: queued as"), r.output());
    TestMail.Post p = only(list);
    assertEquals("REQUEST", p.purpose());
    assertTrue(text(p).startsWith("Received: "), text(p));
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Signs with python3-dkim and sends with smtplib from 127.0.0.3 (SPF fails for it). */
  private String sendSigned(String list, boolean tamper) throws Exception {
    Path dir = Files.createTempDirectory("fanmail-auth-py");
    try {
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(InboundAuthProfile.key().getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      Files.writeString(dir.resolve("key"), pem);
      String script =
          String.join(
              "\n",
              "import dkim, smtplib, sys",
              "port, rcpt, keyfile, tamper = int(sys.argv[1]), sys.argv[2], sys.argv[3],"
                  + " sys.argv[4] == '1'",
              "msg = (b'From: Alice <alice@signed.test>\\r\\nTo: ' + rcpt.encode() +"
                  + " b'\\r\\nSubject: signed\\r\\nMessage-ID: <s1@signed.test>\\r\\n\\r\\nHello"
                  + " list.\\r\\n')",
              "sig = dkim.sign(msg, b'sel', b'signed.test', open(keyfile, 'rb').read(),"
                  + " canonicalize=(b'relaxed', b'relaxed'), include_headers=[b'from', b'to',"
                  + " b'subject', b'message-id'])",
              "out = sig + msg",
              "if tamper: out = out.replace(b'Hello list.', b'Send money.')",
              "with smtplib.SMTP('127.0.0.1', port, local_hostname='mta.signed.test',"
                  + " source_address=('127.0.0.3', 0), timeout=30) as s:",
              "    s.sendmail('bounces@other.test', [rcpt], out)",
              "print('sent')");
      ExternalProcess.Result r =
          ExternalProcess.run(
              List.of(
                  "/usr/bin/python3",
                  "-c",
                  script,
                  String.valueOf(server.port()),
                  list,
                  dir.resolve("key").toString(),
                  tamper ? "1" : "0"),
              null,
              60);
      return r.output();
    } finally {
      Files.deleteIfExists(dir.resolve("key"));
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void aPostSignedByPythonDkimPassesDkimAndDmarc() throws Exception {
    String list = list("DMARC", "HOLD", "alice@signed.test");
    String out = sendSigned(list, false);
    assertTrue(out.contains("sent"), out);
    TestMail.Post p = only(list);
    String ar = results(p);
    assertTrue(ar.contains("spf=none smtp.mailfrom=bounces@other.test"), ar);
    assertTrue(ar.contains("dkim=pass header.d=signed.test header.s=sel"), ar);
    assertTrue(ar.contains("dmarc=pass (p=reject) header.from=signed.test"), ar);
    assertAccepted(p);
  }

  @Test
  void aForgedSignedPostFailsDkimAndIsHeld() throws Exception {
    String list = list("DMARC", "HOLD", "alice@signed.test");
    String out = sendSigned(list, true);
    assertTrue(out.contains("sent"), out);
    TestMail.Post p = only(list);
    String ar = results(p);
    assertTrue(ar.contains("dkim=fail"), ar);
    assertTrue(ar.contains("header.d=signed.test header.s=sel"), ar);
    assertTrue(ar.contains("dmarc=fail (p=reject)"), ar);
    assertEquals("HELD", p.state(), ar);
    assertFalse(ar.contains("dkim=pass"), ar);
  }
}
