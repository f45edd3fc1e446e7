package org.fanmail.dkim;

import static org.fanmail.testing.AdminApi.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fanmail.fanout.DmarcDns;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Copies fanmail sends, received by a real SMTP sink and verified by python3-dkim (which fanmail
 * did not write) with the TXT records the REST API told us to publish: dual signing (RSA and
 * Ed25519) on shared and personalized copies, a deactivated key no longer signing, a rotation with
 * two RSA selectors that never leaves a copy unsigned, and the ARC chain across two hops (list A
 * delivers to list B on the same fanmail over SMTP; B validates A's seal through dnsmasq and seals
 * {@code cv=pass}).
 */
@QuarkusTest
@TestProfile(SignedCopiesProfile.class)
class SignedCopiesTest {
  static final String SINK_HOST = "127.0.2.1";

  /**
   * A second address of the sink, only for the signing-count test: its RCPT limit must be in place
   * before fanmail's first connection to it (the sink reads it per connection, and fanmail keeps
   * connections to {@link #SINK_HOST} open between tests).
   */
  static final String LIMITED_HOST = "127.0.2.2";

  static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClassSink SINK =
      new ClassSink(
          () -> SmtpSink.start(SINK_HOST, LIMITED_HOST).rcptMax(LIMITED_HOST, 2, true),
          sink -> SignedCopiesProfile.routes(Map.of()));

  @Inject SmtpServer smtp;
  @Inject MeterRegistry registry;

  private final Map<String, String> published = new LinkedHashMap<>();
  private Process dns;
  private Path dnsDir;
  private SmtpSink sink;

  @BeforeEach
  void setUp() throws Exception {
    sink = SINK.sink();
  }

  @AfterEach
  void stopDns() throws Exception {
    DmarcDns.stop(dns);
    dns = null;
  }

  static String domain(String tag) {
    return tag + UUID.randomUUID().toString().substring(0, 8) + ".test";
  }

  /** Creates a key over REST and publishes its record (in {@link #published}, for the verifier). */
  private void key(String domain, String selector, String algorithm) {
    JsonPath k =
        api()
            .body(
                "{\"domain\":\""
                    + domain
                    + "\",\"selector\":\""
                    + selector
                    + "\",\"algorithm\":\""
                    + algorithm
                    + "\"}")
            .post("/api/dkim-keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    published.put(k.getString("dnsRecord.name"), k.getString("dnsRecord.value"));
  }

  /** (Re)starts dnsmasq with every published record (TXT strings cut at 255 octets). */
  private void serveDns() throws Exception {
    DmarcDns.stop(dns);
    if (dnsDir == null) {
      dnsDir = Files.createTempDirectory("fanmail-signed-dns");
    }
    List<String> zone = new ArrayList<>(List.of("--local-ttl=1", "--log-queries"));
    published.forEach(
        (name, value) -> {
          StringBuilder option = new StringBuilder("--txt-record=").append(name);
          for (int i = 0; i < value.length(); i += 255) {
            option.append(',').append(value, i, Math.min(value.length(), i + 255));
          }
          zone.add(option.toString());
        });
    dns = DmarcDns.start(SignedCopiesProfile.DNS_PORT, dnsDir, zone);
    TxtLookup probe =
        new DnsTxtLookup(
            List.of("127.0.0.1:" + SignedCopiesProfile.DNS_PORT), Duration.ofSeconds(1));
    String first = published.keySet().iterator().next();
    assertTrue(
        org.fanmail.testing.Await.until(
            Duration.ofSeconds(10),
            () -> {
              try {
                return probe.txt(first).equals(List.of(published.get(first)));
              } catch (TxtLookup.TemporaryFailure e) {
                return false;
              }
            }),
        "dnsmasq serves the key records: " + DmarcDns.log(dnsDir));
  }

  private void routeToSinkAnd(Map<String, String> more) throws Exception {
    Map<String, String> routes = new HashMap<>(more);
    routes.put("sink.test", sink.nextHop(SINK_HOST));
    SignedCopiesProfile.routes(routes);
  }

  private static byte[] post(String id, String list, String subject) {
    return ("From: Alice <alice@poster.test>\r\n"
            + "To: "
            + list
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Sun, 6 Dec 2026 19:00:00 +0000\r\nMessage-ID: <"
            + id
            + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + "Hello  there.\r\n.leading dot\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private String list(String domain, String settings) {
    return AdminApi.createList(
        AdminApi.uniqueAddress("l", domain),
        "\"postingPolicy\":\"OPEN\"" + (settings.isEmpty() ? "" : "," + settings));
  }

  private void member(String list, String email) {
    api()
        .body("{\"email\":\"" + email + "\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
  }

  /** Posts to {@code list} over SMTP; returns the copies the sink got for {@code rcpts}. */
  private List<SmtpSink.Message> send(String list, List<String> rcpts) throws Exception {
    String id = TestMail.uniqueId();
    TestMail.submit(smtp.port(), "alice@poster.test", list, post(id, list, "signed"));
    List<SmtpSink.Message> out = new ArrayList<>();
    for (String r : rcpts) {
      out.add(
          sink.awaitMessage(
              WAIT,
              "copy of " + id + " to " + r,
              m -> m.rcpts().contains(r) && m.text().contains(id)));
    }
    return out;
  }

  private static List<String> fields(SmtpSink.Message m, String name) {
    List<String> out = new ArrayList<>();
    for (String line : m.text().split("\r\n(?![ \t])")) {
      if (line.isEmpty()) {
        break;
      }
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        out.add(line);
      }
    }
    return out;
  }

  private static String selectors(SmtpSink.Message m) {
    List<String> s = new ArrayList<>();
    for (String sig : fields(m, "DKIM-Signature")) {
      String flat = sig.replaceAll("\\s", "");
      int at = flat.indexOf(";s=");
      s.add(flat.substring(at + 3, flat.indexOf(';', at + 3)));
    }
    return String.join(",", s);
  }

  @Test
  void dualSignedSharedAndPersonalizedCopiesVerify() throws Exception {
    String d = domain("dual");
    key(d, "rsa1", "RSA_SHA256");
    key(d, "ed1", "ED25519_SHA256");
    routeToSinkAnd(Map.of());
    String shared = list(d, "");
    String personal = list(d, "\"personalize\":true");
    for (String l : List.of(shared, personal)) {
      member(l, "one@sink.test");
      member(l, "two@sink.test");
    }
    List<SmtpSink.Message> copies = new ArrayList<>(send(shared, List.of("one@sink.test")));
    List<SmtpSink.Message> own = send(personal, List.of("one@sink.test", "two@sink.test"));
    copies.addAll(own);
    assertNotEquals(fields(own.get(0), "List-Unsubscribe"), fields(own.get(1), "List-Unsubscribe"));
    for (SmtpSink.Message m : copies) {
      assertEquals("rsa1,ed1", selectors(m), m.text());
      assertEquals("True True", PythonDkim.verify(m.data(), published, false), PythonDkim.lastLog);
      assertTrue(
          PythonDkim.verify(m.data(), published, true).startsWith("pass"), PythonDkim.lastLog);
      String aar = String.join("", fields(m, "ARC-Authentication-Results"));
      assertTrue(aar.startsWith("ARC-Authentication-Results: i=1; fanmail.test;"), aar);
      assertTrue(String.join("", fields(m, "ARC-Seal")).contains("cv=none"));
      assertTrue(String.join("", fields(m, "DKIM-Signature")).contains("d=" + d));
    }
  }

  /**
   * A shared post is signed once however many transactions carry it (issue 20: "a shared copy is
   * signed once per post"): five recipients behind a host that takes two RCPTs per transaction are
   * three transactions, and the signature counter moves by one DKIM signature per key and one ARC
   * set, not three times that.
   */
  @Test
  void aSharedPostIsSignedOncePerPostNotPerTransaction() throws Exception {
    String d = domain("once");
    key(d, "rsa1", "RSA_SHA256");
    key(d, "ed1", "ED25519_SHA256");
    routeToSinkAnd(Map.of("limited.test", sink.nextHop(LIMITED_HOST)));
    String l = list(d, "");
    List<String> rcpts = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      rcpts.add("once" + i + "@limited.test");
      member(l, rcpts.get(i - 1));
    }
    double dkim0 = signatures("dkim");
    double arc0 = signatures("arc");
    List<SmtpSink.Message> copies = send(l, rcpts);
    assertEquals(3, sink.transactions(LIMITED_HOST), "5 RCPTs at 2 per transaction");
    assertEquals(2.0, signatures("dkim") - dkim0, "one DKIM signature per active key");
    assertEquals(1.0, signatures("arc") - arc0, "one ARC set");
    for (SmtpSink.Message m : copies) {
      assertEquals("rsa1,ed1", selectors(m), m.text());
      assertEquals(
          fields(copies.get(0), "DKIM-Signature"), fields(m, "DKIM-Signature"), "the same fields");
    }
  }

  private double signatures(String kind) {
    Counter c = registry.find("fanmail.delivery.signatures").tag("kind", kind).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aDeactivatedKeyStopsSigningAndARotationLeavesNoGap() throws Exception {
    String d = domain("rot");
    key(d, "old", "RSA_SHA256");
    routeToSinkAnd(Map.of());
    String l = list(d, "");
    member(l, "one@sink.test");
    assertEquals("old", selectors(send(l, List.of("one@sink.test")).get(0)));
    // Rotation: the new selector is published and active beside the old one...
    key(d, "new", "RSA_SHA256");
    SmtpSink.Message both = send(l, List.of("one@sink.test")).get(0);
    assertEquals("old,new", selectors(both));
    assertEquals("True True", PythonDkim.verify(both.data(), published, false), PythonDkim.lastLog);
    // ...then the old one is deactivated: the next copy is signed by the new one alone.
    api().body("{\"active\":false}").patch("/api/dkim-keys/" + d + "/old").then().statusCode(200);
    SmtpSink.Message after = send(l, List.of("one@sink.test")).get(0);
    assertEquals("new", selectors(after));
    assertEquals("True", PythonDkim.verify(after.data(), published, false), PythonDkim.lastLog);
    assertTrue(PythonDkim.verify(after.data(), published, true).startsWith("pass"));
    // No active key at all: the copy goes out unsigned.
    api().body("{\"active\":false}").patch("/api/dkim-keys/" + d + "/new").then().statusCode(200);
    SmtpSink.Message none = send(l, List.of("one@sink.test")).get(0);
    assertEquals(List.of(), fields(none, "DKIM-Signature"));
    assertEquals(List.of(), fields(none, "ARC-Seal"));
  }

  @Test
  void aReplyFromTheListIsSignedToo() throws Exception {
    String d = domain("sys");
    key(d, "rsa1", "RSA_SHA256");
    key(d, "ed1", "ED25519_SHA256");
    routeToSinkAnd(Map.of());
    String l = list(d, "");
    String request = l.replace("@", "-request@");
    String id = TestMail.uniqueId();
    TestMail.submit(
        smtp.port(),
        "asker@sink.test",
        request,
        ("From: asker@sink.test\r\nTo: "
                + request
                + "\r\nSubject: help\r\nMessage-ID: <"
                + id
                + ">\r\n\r\nhelp\r\n")
            .getBytes(StandardCharsets.UTF_8));
    SmtpSink.Message reply =
        sink.awaitMessage(WAIT, "the help reply", m -> m.rcpts().contains("asker@sink.test"));
    assertEquals("rsa1,ed1", selectors(reply), reply.text());
    assertEquals(
        "True True", PythonDkim.verify(reply.data(), published, false), PythonDkim.lastLog);
  }

  @Test
  void theArcChainVerifiesAcrossTwoHops() throws Exception {
    String first = domain("hopa");
    String second = domain("hopb");
    key(first, "a1", "RSA_SHA256");
    key(second, "b1", "RSA_SHA256");
    serveDns();
    // List B's domain is routed back to fanmail's own SMTP port: A's copy arrives as B's post.
    routeToSinkAnd(Map.of(second, "[127.0.0.1]:" + smtp.port()));
    String b = list(second, "\"subjectPrefix\":\"[b]\"");
    member(b, "end@sink.test");
    String a = list(first, "\"subjectPrefix\":\"[a]\"");
    member(a, b);
    SmtpSink.Message m = send(a, List.of("end@sink.test")).get(0);
    String seals = String.join("\n", fields(m, "ARC-Seal"));
    assertTrue(seals.contains("i=2;") && seals.contains("cv=pass"), m.text());
    assertTrue(seals.contains("i=1;") && seals.contains("cv=none"), m.text());
    assertTrue(PythonDkim.verify(m.data(), published, true).startsWith("pass"), PythonDkim.lastLog);
    assertEquals("True", PythonDkim.verify(m.data(), published, false).split(" ")[0]);
  }
}
