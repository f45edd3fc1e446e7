package org.fanmail.fanout;

import static org.fanmail.fanout.FanoutTestProfile.HOST_AB;
import static org.fanmail.fanout.FanoutTestProfile.HOST_C;
import static org.fanmail.fanout.FanoutTestProfile.HOST_DROP;
import static org.fanmail.fanout.FanoutTestProfile.HOST_LIMITS;
import static org.fanmail.fanout.FanoutTestProfile.HOST_QUIET_LIMIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path from an ACCEPTED post row to copies at a real SMTP sink, on a real PostgreSQL:
 * expansion, grouping per host, transactions of at most ten recipients, decoration, outcomes,
 * retries.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class FanoutEndToEndTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  private TestMail db;
  private SmtpSink sink;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = SINK.sink();
  }

  @Test
  void everyMemberGetsOneCopyGroupedPerHost() throws Exception {
    long list = db.list("dev", "lists.test", "[dev]", "LIST");
    db.members(list, "alice", "a.test", 25);
    db.members(list, "bob", "B.test", 0);
    db.members(list, "bob", "b.test", 7);
    db.members(list, "carol", "c.test", 12);
    db.member(list, "quiet@a.test", "ACTIVE", "NOMAIL");
    db.member(list, "digest@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "plain@b.test", "ACTIVE", "DIGEST_PLAIN");
    db.member(list, "gone@a.test", "DISABLED_BY_BOUNCE", "REGULAR");
    String id = TestMail.uniqueId();
    String body = "Hello.\r\n.A line with a leading dot\r\ncaf\u00e9 8-bit\r\n..two dots\r\n";
    byte[] raw = TestMail.message(id, "dev@lists.test", "Release notes", body);
    long post = db.acceptedPost(list, "dev@lists.test", raw, Instant.now());

    long started = System.nanoTime();
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT, "post reaches DONE");
    long millis = (System.nanoTime() - started) / 1_000_000;

    List<SmtpSink.Message> got = sink.copiesOf(id);
    List<String> rcpts = got.stream().flatMap(m -> m.rcpts().stream()).toList();
    Set<String> expected = new HashSet<>();
    IntStream.rangeClosed(1, 25).forEach(i -> expected.add("alice" + i + "@a.test"));
    IntStream.rangeClosed(1, 7).forEach(i -> expected.add("bob" + i + "@b.test"));
    IntStream.rangeClosed(1, 12).forEach(i -> expected.add("carol" + i + "@c.test"));
    assertEquals(expected.size(), rcpts.size(), "each recipient exactly once: " + rcpts);
    assertEquals(expected, new HashSet<>(rcpts));

    // a.test and b.test share 127.0.1.1: 32 recipients in ceil(32/10) = 4 transactions.
    assertEquals(4, got.stream().filter(m -> m.address().equals(HOST_AB)).count());
    assertEquals(2, got.stream().filter(m -> m.address().equals(HOST_C)).count());
    assertTrue(got.stream().allMatch(m -> m.rcpts().size() <= 10));
    // At most two connections per host (profile): four transactions share them.
    long connectionsAb =
        got.stream()
            .filter(m -> m.address().equals(HOST_AB))
            .map(SmtpSink.Message::connection)
            .distinct()
            .count();
    assertTrue(connectionsAb <= 2, "connections to 127.0.1.1: " + connectionsAb);
    for (SmtpSink.Message m : got) {
      assertEquals("dev-bounces@lists.test", m.mailFrom());
      String text = m.text();
      int sep = indexOf(m.data(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String headers = text.substring(0, sep);
      assertTrue(headers.contains("List-Id: \"List dev\" <dev.lists.test>"), headers);
      assertTrue(headers.contains("List-Post: <mailto:dev@lists.test>"), headers);
      assertTrue(headers.contains("List-Unsubscribe: <mailto:dev-leave@lists.test>"), headers);
      assertTrue(headers.contains("/unsubscribe/"), headers);
      assertTrue(headers.contains("Precedence: list"), headers);
      assertTrue(headers.contains("Subject: [dev] Release notes"), headers);
      assertTrue(headers.contains("Reply-To: <dev@lists.test>"), headers);
      assertTrue(headers.contains("X-Loop: dev@lists.test"), headers);
      assertTrue(headers.contains("X-Odd:   kept   as\r\n  folded\r\n"), headers);
      // Body: the stored bytes after the header block, identical.
      byte[] storedRest = Arrays.copyOfRange(raw, indexOf(raw, "\r\n\r\n".getBytes()), raw.length);
      byte[] sentRest = Arrays.copyOfRange(m.data(), sep, m.data().length);
      assertArrayEquals(storedRest, sentRest);
    }
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state <> 'DELIVERED'", post));
    System.out.printf("fan-out of 44 recipients to the sink: %d ms%n", millis);

    io.restassured.RestAssured.given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/posts/" + post)
        .then()
        .statusCode(200)
        .body("state", org.hamcrest.Matchers.equalTo("DONE"))
        .body("list", org.hamcrest.Matchers.equalTo("dev@lists.test"))
        .body("recipients", org.hamcrest.Matchers.equalTo(44))
        .body("delivered", org.hamcrest.Matchers.equalTo(44))
        .body("hosts.size()", org.hamcrest.Matchers.equalTo(2))
        .body("hosts[0].recipients", org.hamcrest.Matchers.equalTo(32));
    io.restassured.RestAssured.given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/queue")
        .then()
        .statusCode(200)
        .body("pendingRecipients", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
        .body("destinations", org.hamcrest.Matchers.notNullValue());
  }

  @Test
  void deferredRecipientIsRetriedAndRefusedOneFails() throws Exception {
    long list = db.list("retry", "lists.test", null, "POSTER");
    db.members(list, "x", "d.test", 5);
    sink.replyToRcpt("x2@d.test", "450 4.2.0 mailbox busy", 1);
    sink.replyToRcpt("x3@d.test", "550 5.1.1 no such user", 100);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "retry@lists.test",
            TestMail.message(id, "retry@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT, "post reaches DONE");

    List<String> rcpts = sink.copiesOf(id).stream().flatMap(m -> m.rcpts().stream()).toList();
    assertEquals(
        List.of("x1@d.test", "x2@d.test", "x4@d.test", "x5@d.test"),
        rcpts.stream().sorted().toList());
    assertEquals("DELIVERED", db.recipient(post, "x2@d.test", "state"));
    assertEquals("2", db.recipient(post, "x2@d.test", "attempts"));
    assertEquals("FAILED", db.recipient(post, "x3@d.test", "state"));
    assertTrue(db.recipient(post, "x3@d.test", "last_reply").startsWith("550 5.1.1"));
    // The permanent refusal counts toward that member's bounce score; the deferral does not.
    assertEquals(
        "1",
        db.scalar(
            "select bounce_score from member where email = 'x3@d.test' and list_id = ?", list));
    assertEquals(
        "0",
        db.scalar(
            "select bounce_score from member where email = 'x2@d.test' and list_id = ?", list));
  }

  @Test
  void transactionsToOneHostShareConnectionsAcrossClaimRounds() throws Exception {
    // 1,010 recipients at one host, ten a transaction: 101 delivery rows, more than one claim
    // round gives a post. The host must see at most max-connections-per-host (2) connections for
    // the whole post: successive transactions reuse a connection, RSET between them.
    long list = db.list("linger", "lists.test", null, "POSTER");
    db.members(list, "g", "d.test", 1010);
    int before = sink.connections(FanoutTestProfile.HOST_D);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "linger@lists.test",
            TestMail.message(id, "linger@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT, "post reaches DONE");
    assertEquals(1010, sink.copiesOf(id).stream().mapToInt(m -> m.rcpts().size()).sum());
    assertEquals(101, sink.copiesOf(id).size());
    int used = sink.connections(FanoutTestProfile.HOST_D) - before;
    assertTrue(used <= 2, "connections used: " + used);
  }

  @Test
  void postsOneAfterAnotherReuseTheConnectionThenItCloses() throws Exception {
    // Five posts to one host, each sent before the next is accepted: the runner whose queue ran
    // empty keeps its connection for a moment (DeliveryScheduler.LINGER_MILLIS), so the next
    // post's transaction reuses it instead of connecting and greeting again.
    long list = db.list("reuse", "lists.test", null, "POSTER");
    db.member(list, "only@c.test", "ACTIVE", "REGULAR");
    // A connection an earlier test left lingering would be reused too: start from none.
    assertTrue(
        Await.until(Duration.ofSeconds(10), () -> sink.openConnections() == 0),
        "open connections before: " + sink.openConnections());
    int before = sink.connections(FanoutTestProfile.HOST_C);
    for (int i = 0; i < 5; i++) {
      String id = TestMail.uniqueId();
      long post =
          db.acceptedPost(
              list,
              "reuse@lists.test",
              TestMail.message(id, "reuse@lists.test", "s" + i, "b\r\n"),
              Instant.now());
      committed.fire(new PostCommitted(List.of(post)));
      db.awaitPost(post, "DONE", WAIT, "post " + i + " reaches DONE");
      assertEquals(1, sink.copiesOf(id).size());
    }
    assertEquals(1, sink.connections(FanoutTestProfile.HOST_C) - before, "connections used");
    // An idle connection is not kept for long: QUIT within the linger time.
    assertTrue(
        Await.until(Duration.ofSeconds(10), () -> sink.openConnections() == 0),
        "open connections: " + sink.openConnections());
  }

  @Test
  void posterGetsOwnCopyUnlessTheyOptedOut() throws Exception {
    long wants = db.list("own-yes", "lists.test", null, "POSTER");
    long declines = db.list("own-no", "lists.test", null, "POSTER");
    for (long list : List.of(wants, declines)) {
      db.members(list, "o", "c.test", 2);
      db.member(list, "Poster@c.test", "ACTIVE", "REGULAR");
    }
    db.scalar(
        "update member set receive_own_posts = false where email = 'Poster@c.test'"
            + " and list_id = ? returning id",
        declines);
    String yes = TestMail.uniqueId();
    String no = TestMail.uniqueId();
    long p1 =
        db.acceptedPost(
            wants,
            "own-yes@lists.test",
            TestMail.message(yes, "own-yes@lists.test", "s", "b\r\n"),
            Instant.now(),
            "poster@c.test");
    long p2 =
        db.acceptedPost(
            declines,
            "own-no@lists.test",
            TestMail.message(no, "own-no@lists.test", "s", "b\r\n"),
            Instant.now(),
            "poster@c.test");
    committed.fire(new PostCommitted(List.of(p1, p2)));
    db.awaitPost(p1, "DONE", WAIT);
    db.awaitPost(p2, "DONE", WAIT);
    assertTrue(
        sink.copiesOf(yes).stream()
            .flatMap(m -> m.rcpts().stream())
            .toList()
            .contains("Poster@c.test"));
    List<String> declined = sink.copiesOf(no).stream().flatMap(m -> m.rcpts().stream()).toList();
    assertEquals(List.of("o1@c.test", "o2@c.test"), declined.stream().sorted().toList());
  }

  @Test
  void advertisedRcptMaxSplitsTransactionsOnOneConnection() throws Exception {
    long list = db.list("limits", "lists.test", null, "POSTER");
    db.members(list, "l", "limits.test", 10);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "limits@lists.test",
            TestMail.message(id, "limits@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT);
    List<SmtpSink.Message> got = sink.copiesOf(id);
    assertEquals(List.of(3, 3, 3, 1), got.stream().map(m -> m.rcpts().size()).toList());
    assertEquals(1, got.stream().map(SmtpSink.Message::connection).distinct().count());
    assertEquals(HOST_LIMITS, got.get(0).address());
  }

  @Test
  void tooManyRecipients452GoesIntoAFurtherTransaction() throws Exception {
    long list = db.list("quiet", "lists.test", null, "POSTER");
    db.members(list, "q", "quiet-limit.test", 10);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "quiet@lists.test",
            TestMail.message(id, "quiet@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT);
    List<SmtpSink.Message> got = sink.copiesOf(id);
    assertEquals(List.of(4, 4, 2), got.stream().map(m -> m.rcpts().size()).toList());
    assertEquals(HOST_QUIET_LIMIT, got.get(0).address());
    assertEquals(10, got.stream().flatMap(m -> m.rcpts().stream()).distinct().count());
  }

  @Test
  void dropAfterDataDefersThenDelivers() throws Exception {
    long list = db.list("drop", "lists.test", null, "POSTER");
    db.members(list, "d", "drop.test", 3);
    sink.dropAfterData(HOST_DROP, 1);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "drop@lists.test",
            TestMail.message(id, "drop@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT);
    List<String> rcpts =
        sink.copiesOf(id).stream().flatMap(m -> m.rcpts().stream()).sorted().toList();
    assertEquals(List.of("d1@drop.test", "d2@drop.test", "d3@drop.test"), rcpts);
    assertEquals("2", db.scalar("select attempts from delivery where post_id = ?", post));
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state <> 'DELIVERED'", post));
  }

  @Test
  void unreachableHostOfAnOldPostGivesUp() throws Exception {
    long list = db.list("old", "lists.test", null, "POSTER");
    db.members(list, "n", "nowhere.test", 2);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "old@lists.test",
            TestMail.message(id, "old@lists.test", "s", "b\r\n"),
            Instant.now().minus(Duration.ofDays(6)));
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitPost(post, "DONE", WAIT);
    String reasons =
        db.scalar(
            "select string_agg(email || '=' || state || ':' || last_reply, ' | ' order by email)"
                + " from recipient where post_id = ?",
            post);
    assertTrue(reasons.contains("n1@nowhere.test=FAILED:gave up after max-age"), reasons);
    assertTrue(reasons.contains("n2@nowhere.test=FAILED:gave up after max-age"), reasons);
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String joined(List<String> xs) {
    return xs.stream().collect(Collectors.joining(","));
  }
}
