package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.fanmail.fanout.FanoutTestProfile.HOST_AB;
import static org.fanmail.fanout.FanoutTestProfile.HOST_C;
import static org.fanmail.fanout.FanoutTestProfile.HOST_D;
import static org.fanmail.fanout.FanoutTestProfile.HOST_MAILMAX;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.mail.VerpAddress;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Personalized delivery end to end: lists and members made over REST, a post fanned out to the test
 * sink, one transaction per recipient with its VERP sender and its own one-click link, over as many
 * connections as the same post to a non-personalized list; then the link used over HTTP.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class PersonalizedDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LINK =
      Pattern.compile(
          "List-Unsubscribe: <mailto:([^>]+)>,\r\n <(https?://[^>]+/unsubscribe/([A-Za-z0-9_-]+))>\r\n");

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;
  @Inject FanmailConfig config;

  private TestMail db;
  private SmtpSink sink;
  private long lastPost;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = FanoutTestProfile.sink();
  }

  static String createList(String local, boolean personalize) {
    String address = local + "-" + UUID.randomUUID().toString().substring(0, 8) + "@lists.test";
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.JSON)
        .body(
            "{\"address\":\""
                + address
                + "\",\"name\":\"<b>Fans</b> & co\",\"postingPolicy\":\"OPEN\",\"personalize\":"
                + personalize
                + "}")
        .post("/api/lists")
        .then()
        .statusCode(201);
    return address;
  }

  static void addMembers(List<String> emails, String list) {
    StringBuilder json = new StringBuilder("[");
    for (String e : emails) {
      json.append(json.length() > 1 ? "," : "").append("{\"email\":\"").append(e).append("\"}");
    }
    json.append(']');
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.JSON)
        .body(json.toString())
        .post("/api/lists/" + list + "/members/import")
        .then()
        .statusCode(200);
  }

  /**
   * Posts a message to {@code list} (stored ACCEPTED, as the SMTP intake would) and awaits DONE.
   */
  private String postAndWait(String list, String body) throws Exception {
    long listId = Long.parseLong(db.scalar("select id from mailing_list where address = ?", list));
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(listId, list, TestMail.message(id, list, "News", body), Instant.now());
    lastPost = post;
    committed.fire(new PostCommitted(List.of(post)));
    assertTrue(db.awaitPostState(post, "DONE", WAIT), "post reaches DONE");
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state <> 'DELIVERED'", post));
    return id;
  }

  private List<SmtpSink.Message> messagesOf(String messageId) {
    return sink.messages().stream()
        .filter(m -> m.text().contains("Message-ID: <" + messageId + ">"))
        .toList();
  }

  /** Distinct connections that carried the post's transactions, per sink address. */
  private static Map<String, Integer> connectionsPerHost(List<SmtpSink.Message> got) {
    Map<String, Set<Integer>> c = new TreeMap<>();
    got.forEach(m -> c.computeIfAbsent(m.address(), k -> new HashSet<>()).add(m.connection()));
    Map<String, Integer> n = new TreeMap<>();
    c.forEach((k, v) -> n.put(k, v.size()));
    return n;
  }

  private long memberId(String list, String email) throws Exception {
    return Long.parseLong(
        db.scalar(
            "select m.id from member m join mailing_list l on l.id = m.list_id"
                + " where l.address = '"
                + list
                + "' and m.email_key = lower(?)",
            email));
  }

  @Test
  void eachRecipientGetsItsOwnTransactionOverTheSameConnections() throws Exception {
    List<String> emails = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      emails.add("p" + i + "@a.test");
      emails.add("q" + i + "@c.test");
      emails.add("r" + i + "@d.test");
    }
    String personal = createList("pers", true);
    String shared = createList("shared", false);
    addMembers(emails, personal);
    addMembers(emails, shared);
    String body = "Hello.\r\n.leading dot\r\ncaf\u00e9\r\n";

    String sharedId = postAndWait(shared, body);
    int aheadBefore = sink.commandsAheadOfDataReply();
    String personalId = postAndWait(personal, body);
    // PIPELINING: the next recipient's MAIL, RCPT and DATA follow a final dot in the same write
    // (27 of the 30 dots have a successor on their connection; arrival in one read is the norm on
    // loopback, so most of them must show it).
    int ahead = sink.commandsAheadOfDataReply() - aheadBefore;
    assertTrue(ahead >= 10, "transactions pipelined behind a final dot: " + ahead);

    List<SmtpSink.Message> plain = messagesOf(sharedId);
    assertEquals(3, plain.size(), "shared: one transaction per host (ten recipients each)");
    List<SmtpSink.Message> got = messagesOf(personalId);
    assertEquals(30, got.size(), "personalized: one transaction per recipient");
    assertEquals(connectionsPerHost(plain), connectionsPerHost(got));
    assertEquals(Set.of(HOST_AB, HOST_C, HOST_D), connectionsPerHost(got).keySet());

    LinkTokens tokens = LinkTokens.of(config);
    String localPart = personal.substring(0, personal.indexOf('@'));
    long listId =
        Long.parseLong(db.scalar("select id from mailing_list where address = ?", personal));
    Set<String> seenTokens = new HashSet<>();
    Set<String> rcpts = new HashSet<>();
    for (SmtpSink.Message m : got) {
      assertEquals(1, m.rcpts().size(), "one RCPT per transaction");
      String rcpt = m.rcpts().get(0);
      rcpts.add(rcpt);
      assertEquals(VerpAddress.encode(localPart + "-bounces", rcpt, "lists.test"), m.mailFrom());
      assertTrue(m.mailFrom().startsWith(localPart + "-bounces+"), m.mailFrom());
      String text = m.text();
      int sep = text.indexOf("\r\n\r\n");
      String headers = text.substring(0, sep + 2);
      Matcher link = LINK.matcher(headers);
      assertTrue(link.find(), headers);
      assertEquals(localPart + "-leave@lists.test", link.group(1));
      assertTrue(
          headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), headers);
      assertEquals(1, headers.split("List-Unsubscribe:", -1).length - 1, headers);
      LinkTokens.Verified v = tokens.verify(link.group(3), Purpose.UNSUBSCRIBE_MEMBER);
      assertEquals(LinkTokens.Check.VALID, v.check(), link.group(3));
      assertEquals(listId, v.token().listId());
      assertEquals(memberId(personal, rcpt), v.token().memberId(), rcpt);
      assertTrue(seenTokens.add(link.group(3)), "each copy its own token");
      assertTrue(headers.contains("List-Id: "), headers);
      byte[] sentBody = Arrays.copyOfRange(m.data(), sep, m.data().length);
      assertArrayEquals(("\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8), sentBody);
    }
    assertEquals(new HashSet<>(emails), rcpts);
    for (SmtpSink.Message m : plain) {
      assertEquals(shared.replace("@", "-bounces@"), m.mailFrom());
      assertFalse(m.text().contains("List-Unsubscribe-Post"), "no one-click for a list-level URL");
      assertTrue(m.text().contains("/unsubscribe/"), m.text());
    }

    // The one-click POST of one copy removes exactly that member; GET never removes anyone.
    SmtpSink.Message first = got.get(0);
    String victim = first.rcpts().get(0);
    Matcher link = LINK.matcher(first.text());
    assertTrue(link.find());
    String path = "/unsubscribe/" + link.group(3);
    given().get(path).then().statusCode(200).body(containsString("Unsubscribe</button>"));
    given().get(path).then().statusCode(200).body(containsString(victim));
    assertEquals("30", count(personal));
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post(path)
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("no longer subscribed"))
        .body(not(containsString("<b>Fans</b>")))
        .body(containsString("&lt;b&gt;Fans&lt;/b&gt; &amp; co"));
    assertEquals("29", count(personal));
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from member m join mailing_list l on l.id = m.list_id"
                + " where l.address = ? and m.email = '"
                + victim
                + "'",
            personal));
    assertEquals("30", count(shared), "the same address on another list stays");
    // The goodbye message reaches the member who left (system mail through the same engine).
    assertTrue(
        SmtpSink.await(
            java.time.Duration.ofSeconds(30),
            () ->
                sink.messages().stream()
                    .anyMatch(
                        m ->
                            m.rcpts().equals(List.of(victim))
                                && m.text().contains("Auto-Submitted: auto-generated"))),
        "a goodbye message to " + victim);
    // Idempotent: the same link again is the same success page.
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post(path)
        .then()
        .statusCode(200)
        .body(containsString("no longer subscribed"));
    assertEquals("29", count(personal));
  }

  @Test
  void mailmaxLimitsTransactionsPerConnection() throws Exception {
    // mailmax.test: LIMITS MAILMAX=2. Five personalized transactions need three connections.
    String personal = createList("mm", true);
    List<String> emails =
        List.of(
            "m1@mailmax.test",
            "m2@mailmax.test",
            "m3@mailmax.test",
            "m4@mailmax.test",
            "m5@mailmax.test");
    addMembers(emails, personal);
    String id = postAndWait(personal, "b\r\n");
    List<SmtpSink.Message> got = messagesOf(id);
    assertEquals(5, got.size());
    assertTrue(got.stream().allMatch(m -> m.address().equals(HOST_MAILMAX)));
    Map<Integer, Long> perConnection = new TreeMap<>();
    got.forEach(m -> perConnection.merge(m.connection(), 1L, Long::sum));
    assertTrue(perConnection.values().stream().allMatch(n -> n <= 2), perConnection.toString());
    assertEquals(3, perConnection.size(), perConnection.toString());
    assertEquals(
        "1",
        db.scalar("select max(attempts) from recipient where post_id = ?", lastPost),
        "all five in the row's first attempt: a new connection each time MAILMAX is reached");
  }

  @Test
  void outcomesStayPerRecipientRetriesAndBounceScoresIncluded() throws Exception {
    String personal = createList("out", true);
    String tag = Long.toString(System.nanoTime(), 36);
    String ok = "ok" + tag + "@d.test";
    String busy = "busy" + tag + "@d.test";
    String gone = "gone" + tag + "@d.test";
    addMembers(List.of(ok, busy, gone), personal);
    sink.replyToRcpt(busy, "450 4.2.0 mailbox busy", 1);
    sink.replyToRcpt(gone, "550 5.1.1 no such user", 100);
    long listId =
        Long.parseLong(db.scalar("select id from mailing_list where address = ?", personal));
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            listId, personal, TestMail.message(id, personal, "s", "b\r\n"), Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    assertTrue(db.awaitPostState(post, "DONE", WAIT), "post reaches DONE");
    assertEquals("DELIVERED", db.recipient(post, ok, "state"));
    assertEquals("1", db.recipient(post, ok, "attempts"));
    assertEquals("DELIVERED", db.recipient(post, busy, "state"));
    assertEquals("2", db.recipient(post, busy, "attempts"), "deferred once, then retried");
    assertEquals("FAILED", db.recipient(post, gone, "state"));
    assertTrue(db.recipient(post, gone, "last_reply").startsWith("550 5.1.1"));
    assertEquals(
        "1",
        db.scalar("select bounce_score from member where email = ? ", gone),
        "a 5xx counts toward the member's bounce score");
    assertEquals("0", db.scalar("select bounce_score from member where email = ? ", busy));
    List<String> rcpts = messagesOf(id).stream().flatMap(m -> m.rcpts().stream()).sorted().toList();
    assertEquals(List.of(busy, ok), rcpts);
  }

  private String count(String list) throws Exception {
    return db.scalar(
        "select count(*) from member m join mailing_list l on l.id = m.list_id where l.address = ?",
        list);
  }
}
