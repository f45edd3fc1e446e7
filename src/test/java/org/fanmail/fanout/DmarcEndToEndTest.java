package org.fanmail.fanout;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DMARC mitigation from the list settings (REST) through expansion (TXT look-ups at a real dnsmasq)
 * to the copies at the SMTP sink: a post from a p=reject domain to a MUNGE_FROM list and to a WRAP
 * list, a p=none domain left alone, and {@code dmarcMitigateAlways} mitigating with no look-up.
 */
@QuarkusTest
@TestProfile(DmarcTestProfile.class)
class DmarcEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BODY = "Hello.\r\n.leading dot\r\ncaf\u00e9\r\n";

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  private TestMail db;
  private SmtpSink sink;

  @BeforeAll
  static void dnsAnswers() {
    DmarcTestProfile.dnsDir();
    assertTrue(DmarcTestProfile.dnsAlive(), "dnsmasq runs");
  }

  @AfterAll
  static void stopDns() throws Exception {
    DmarcTestProfile.stopDns();
  }

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = FanoutTestProfile.sink();
  }

  private static io.restassured.specification.RequestSpecification api() {
    return given().header("Authorization", TestSecrets.BEARER).contentType(ContentType.JSON);
  }

  /** Creates a list over REST; returns its address. */
  private static String createList(String prefix, String settings) {
    String address =
        prefix
            + "-"
            + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT)
            + "@lists.test";
    api()
        .body("{\"address\":\"" + address + "\"," + settings + "}")
        .post("/api/lists")
        .then()
        .statusCode(201);
    return address;
  }

  private long listId(String address) throws Exception {
    return Long.parseLong(db.scalar("select id from mailing_list where address = ?", address));
  }

  /** A signed-looking post: the DKIM-Signature covers From, To, Subject and Date. */
  private static byte[] post(String id, String from, String list, String subject) {
    String text =
        "Received: from client.test (client.test [127.0.0.1])\r\n"
            + "\tby fanmail.test with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=poster.test; s=s1;\r\n"
            + "\th=from:to:subject:date; bh=AAAA; b=BBBB\r\n"
            + "From: "
            + from
            + "\r\nTo: "
            + list
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <"
            + id
            + ">\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\n"
            + BODY;
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends {@code raw} to the list's three members at c.test; returns the copies. */
  private List<SmtpSink.Message> deliver(String list, String id, byte[] raw) throws Exception {
    long listId = listId(list);
    db.members(listId, "m", "c.test", 3);
    long post = db.acceptedPost(listId, list, raw, Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    assertTrue(db.awaitPostState(post, "DONE", WAIT), "post reaches DONE");
    List<SmtpSink.Message> got =
        sink.messages().stream().filter(m -> m.text().contains("<" + id + ">")).toList();
    assertEquals(3, got.stream().mapToInt(m -> m.rcpts().size()).sum(), "three recipients");
    return got;
  }

  private String decision(String list, String column) throws Exception {
    return db.scalar(
        "select " + column + " from post where list_id = ? order by id desc limit 1", listId(list));
  }

  private static HeaderBlock headers(SmtpSink.Message m) {
    return HeaderBlock.parse(m.data(), HeaderBlock.split(m.data()));
  }

  private static List<String> values(SmtpSink.Message m, String name) {
    return headers(m).fields().stream().filter(f -> f.is(name)).map(HeaderField::value).toList();
  }

  private static byte[] body(byte[] message) {
    return Arrays.copyOfRange(message, HeaderBlock.split(message), message.length);
  }

  @Test
  void rejectDomainPostToMungeListGoesOutFromTheList() throws Exception {
    String list = createList("munge", "\"name\":\"Munge\",\"dmarcMitigation\":\"MUNGE_FROM\"");
    String id = TestMail.uniqueId();
    byte[] raw = post(id, "Alice Example <alice@strict.test>", list, "strict");
    List<SmtpSink.Message> got = deliver(list, id, raw);
    for (SmtpSink.Message m : got) {
      assertEquals(List.of("\"Alice Example via Munge\" <" + list + ">"), values(m, "From"));
      assertEquals(List.of("\"Alice Example\" <alice@strict.test>"), values(m, "Reply-To"));
      assertEquals(List.of("Alice Example <alice@strict.test>"), values(m, "X-Original-From"));
      assertEquals(List.of(), values(m, "DKIM-Signature"), "From changed: signature removed");
      assertEquals(List.of("<mailto:" + list + ">"), values(m, "List-Post"));
      assertArrayEquals(body(raw), body(m.data()), "body byte for byte");
    }
    assertEquals("MUNGE_FROM", decision(list, "dmarc_action"));
    assertEquals("p=reject at strict.test", decision(list, "dmarc_reason"));
  }

  @Test
  void rejectSubdomainPostToWrapListTravelsAsAnAttachment() throws Exception {
    String list =
        createList(
            "wrap",
            "\"name\":\"Wrap\",\"dmarcMitigation\":\"WRAP\",\"subjectPrefix\":\"[wrap]\","
                + "\"replyTo\":\"LIST\"");
    String id = TestMail.uniqueId();
    // mail.strict.test publishes nothing: strict.test's policy applies (organizational domain).
    byte[] raw = post(id, "Bob <bob@mail.strict.test>", list, "wrapped");
    List<SmtpSink.Message> got = deliver(list, id, raw);
    for (SmtpSink.Message m : got) {
      assertEquals(List.of("\"Bob via Wrap\" <" + list + ">"), values(m, "From"));
      assertEquals(List.of("<" + list + ">"), values(m, "Reply-To"));
      assertEquals(List.of("\"Bob\" <bob@mail.strict.test>"), values(m, "Cc"));
      assertEquals(List.of("[wrap] wrapped"), values(m, "Subject"));
      assertEquals(List.of("<" + id + ">"), values(m, "Message-ID"));
      assertEquals(List.of(), values(m, "DKIM-Signature"));
      String ct = values(m, "Content-Type").get(0);
      assertTrue(ct.startsWith("multipart/mixed; boundary="), ct);
      String boundary = ct.substring(ct.indexOf('"') + 1, ct.length() - 1);
      String text = m.text();
      assertTrue(text.contains("\r\nContent-Type: message/rfc822\r\n"), text);
      // The attachment is the stored post, byte for byte, its DKIM-Signature included.
      byte[] head = "Content-Transfer-Encoding: 8bit\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      int rfc822 = text.indexOf("message/rfc822");
      int start = indexOf(m.data(), head, rfc822) + head.length;
      byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
      assertEquals(m.data().length - end.length, indexOf(m.data(), end, start));
      assertArrayEquals(raw, Arrays.copyOfRange(m.data(), start, m.data().length - end.length));
    }
    assertEquals("WRAP", decision(list, "dmarc_action"));
    assertEquals("p=reject at strict.test", decision(list, "dmarc_reason"));
  }

  @Test
  void relaxedDomainIsLeftAsItIsAndItsSignatureKept() throws Exception {
    String list = createList("relaxed", "\"name\":\"Relaxed\",\"dmarcMitigation\":\"MUNGE_FROM\"");
    String id = TestMail.uniqueId();
    byte[] raw = post(id, "Carol <carol@relaxed.test>", list, "calm");
    for (SmtpSink.Message m : deliver(list, id, raw)) {
      assertEquals(List.of("Carol <carol@relaxed.test>"), values(m, "From"));
      assertEquals(List.of(), values(m, "Reply-To"));
      assertEquals(1, values(m, "DKIM-Signature").size(), "no signed field changed: kept");
      assertEquals(List.of("calm"), values(m, "Subject"));
    }
    assertEquals("NONE", decision(list, "dmarc_action"));
    assertEquals("p=none at relaxed.test", decision(list, "dmarc_reason"));
  }

  @Test
  void mitigateAlwaysNeedsNoLookUpAndIsSetOverRest() throws Exception {
    String list = createList("always", "\"name\":\"Always\",\"dmarcMitigation\":\"MUNGE_FROM\"");
    api()
        .get("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body("dmarcMitigateAlways", equalTo(false));
    api()
        .body("{\"dmarcMitigateAlways\": true}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body("dmarcMitigateAlways", equalTo(true))
        .body("dmarcMitigation", equalTo("MUNGE_FROM"));
    api()
        .body("{\"dmarcMitigateAlways\": null}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    api()
        .body("{\"dmarcMitigateAlways\": \"sometimes\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    String id = TestMail.uniqueId();
    String domain = "always-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    byte[] raw = post(id, "Dan <dan@" + domain + ">", list, "any");
    for (SmtpSink.Message m : deliver(list, id, raw)) {
      assertEquals(List.of("\"Dan via Always\" <" + list + ">"), values(m, "From"));
      assertEquals(List.of("\"Dan\" <dan@" + domain + ">"), values(m, "Reply-To"));
    }
    assertEquals("MUNGE_FROM", decision(list, "dmarc_action"));
    assertEquals("dmarcMitigateAlways", decision(list, "dmarc_reason"));
    String log = DmarcDns.log(DmarcTestProfile.dnsDir());
    assertTrue(log.contains("query[TXT] _dmarc.strict.test"), "the log records look-ups");
    assertFalse(log.contains(domain), "no look-up for the always list's poster: " + domain);
    // A list created with the flag shows it at once.
    String created =
        createList("always2", "\"dmarcMitigation\":\"WRAP\",\"dmarcMitigateAlways\":true");
    api()
        .get("/api/lists/" + created)
        .then()
        .statusCode(200)
        .body("dmarcMitigateAlways", equalTo(true));
  }

  @Test
  void aRetryGoesOutInTheFormDecidedAtExpansion() throws Exception {
    String list = createList("retry", "\"name\":\"Retry\",\"dmarcMitigation\":\"WRAP\"");
    long listId = listId(list);
    db.members(listId, "dmarc-retry", "d.test", 3);
    sink.replyToRcpt("dmarc-retry2@d.test", "450 4.2.0 mailbox busy", 1);
    String id = TestMail.uniqueId();
    byte[] raw = post(id, "Eve <eve@strict.test>", list, "retried");
    long post = db.acceptedPost(listId, list, raw, Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    assertTrue(
        SmtpSink.await(
            WAIT, () -> sink.messages().stream().anyMatch(m -> m.text().contains("<" + id + ">"))),
        "first transaction arrives");
    // The list changes its mind after expansion: the post keeps the form it was given.
    api()
        .body("{\"dmarcMitigation\": \"NONE\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200);
    assertTrue(db.awaitPostState(post, "DONE", WAIT), "post reaches DONE");
    assertEquals("2", db.recipient(post, "dmarc-retry2@d.test", "attempts"));
    List<SmtpSink.Message> got =
        sink.messages().stream().filter(m -> m.text().contains("<" + id + ">")).toList();
    assertEquals(2, got.size(), "the first transaction and the retry");
    assertEquals(List.of("dmarc-retry2@d.test"), got.get(1).rcpts());
    assertArrayEquals(got.get(0).data(), got.get(1).data(), "the retry is the same copy");
    assertTrue(values(got.get(1), "Content-Type").get(0).startsWith("multipart/mixed"));
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
