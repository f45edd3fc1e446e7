package org.fanmail.digest;

import static org.fanmail.testing.AdminApi.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.PostCommitted;
import org.fanmail.smtp.ExternalProcess;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Digests end to end on the real database and a real SMTP sink: members in every mode, posts
 * expanded without the digest members, an issue sent over REST to the MIME and the plain members
 * (one copy per destination host, the List-* fields, the digest subject), read back by Python's
 * {@code email} package into the posts; the REST archive and its bytes; the threshold and the
 * schedule sending an issue by themselves; mode changes taking effect when the period ends (no post
 * lost, none twice).
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class DigestEndToEndTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Reads a MIME digest from the file named by argv[1]; prints the parts as JSON. */
  private static final String PYTHON_READER =
      String.join(
          "\n",
          "import sys, json, email",
          "from email import policy",
          "msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.compat32)",
          "toc, dig = msg.get_payload()",
          "out = {'type': msg.get_content_type(), 'subject': msg['Subject'],",
          "       'toc': toc.get_payload(decode=True).decode('utf-8'),",
          "       'digestType': dig.get_content_type(), 'posts': []}",
          "for part in dig.get_payload():",
          "    inner = part.get_payload()[0]",
          "    out['posts'].append({'type': part.get_content_type(), 'id': inner['Message-ID'],",
          "        'subject': inner['Subject'], 'listId': inner['List-Id'],",
          "        'body': inner.get_payload()})",
          "print(json.dumps(out))");

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;
  @Inject DigestAssembler assembler;

  private TestMail db;
  private SmtpSink sink;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = SINK.sink();
  }

  private String newList(String tag) throws Exception {
    String local = tag + UUID.randomUUID().toString().substring(0, 6);
    db.list(local, "lists.test", "[" + tag + "]", "POSTER");
    return local;
  }

  /** An accepted post, expanded and delivered to the regular members. */
  private long post(long listId, String local, String messageId, String subject, String body)
      throws Exception {
    long id =
        db.acceptedPost(
            listId,
            local + "@lists.test",
            TestMail.message(messageId, local + "@lists.test", subject, body),
            Instant.now());
    committed.fire(new PostCommitted(List.of(id)));
    db.awaitPost(id, "DONE", WAIT, "post " + subject + " delivered");
    return id;
  }

  private Set<String> recipientsOf(String messageId) {
    List<String> rcpts =
        sink.copiesOf(messageId).stream().flatMap(m -> m.rcpts().stream()).toList();
    Set<String> set = new HashSet<>(rcpts);
    assertEquals(set.size(), rcpts.size(), "nobody twice: " + rcpts);
    return set;
  }

  private List<SmtpSink.Message> digests(String local, int volume, int issue) {
    String subject = "Subject: List " + local + " Digest, Vol " + volume + ", Issue " + issue;
    return sink.messages().stream().filter(m -> m.text().contains(subject + "\r\n")).toList();
  }

  private void awaitIssueDelivered(long listId, int issue) throws Exception {
    Await.value(
        WAIT,
        () -> "issue " + issue + " of list " + listId + " written",
        () ->
            db.scalar("select count(*) from digest where list_id = ? and issue = " + issue, listId),
        "1"::equals);
    for (String form : new String[] {"mime_post_id", "plain_post_id"}) {
      String post =
          db.scalar(
              "select " + form + " from digest where list_id = ? and issue = " + issue, listId);
      if (post != null) {
        db.awaitPost(Long.parseLong(post), "DONE", WAIT, "digest " + form + " delivered");
      }
    }
  }

  @Test
  void digestMembersGetNoPostsAndOneDigestHoldingEveryPost() throws Exception {
    String local = newList("dig");
    String address = local + "@lists.test";
    long list = db.listId(address);
    db.member(list, "reg1@a.test", "ACTIVE", "REGULAR");
    db.member(list, "reg2@c.test", "ACTIVE", "REGULAR");
    db.member(list, "mime1@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "mime2@b.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "mime3@c.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "plain1@a.test", "ACTIVE", "DIGEST_PLAIN");
    db.member(list, "quiet@a.test", "ACTIVE", "NOMAIL");
    List<String> ids = new ArrayList<>();
    List<Long> posts = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String id = TestMail.uniqueId();
      ids.add(id);
      posts.add(post(list, local, id, "Post " + i, "Body of post " + i + ".\r\nSecond line.\r\n"));
      assertEquals(Set.of("reg1@a.test", "reg2@c.test"), recipientsOf(id), "post " + i);
    }

    api()
        .post("/api/lists/" + address + "/digests")
        .then()
        .statusCode(202)
        .body("volume", equalTo(1))
        .body("issue", equalTo(1))
        .body("posts", equalTo(3));
    api().post("/api/lists/" + address + "/digests").then().statusCode(204);
    awaitIssueDelivered(list, 1);

    List<SmtpSink.Message> sent = digests(local, 1, 1);
    List<SmtpSink.Message> mime =
        sent.stream().filter(m -> m.text().contains("multipart/mixed")).toList();
    List<SmtpSink.Message> plain =
        sent.stream().filter(m -> !m.text().contains("multipart/mixed")).toList();
    List<String> mimeRcpts = mime.stream().flatMap(m -> m.rcpts().stream()).sorted().toList();
    assertEquals(List.of("mime1@a.test", "mime2@b.test", "mime3@c.test"), mimeRcpts);
    // a.test and b.test share a host: one transaction there, one for c.test.
    assertEquals(2, mime.size(), "one copy per destination host");
    assertEquals(List.of(List.of("plain1@a.test")), plain.stream().map(m -> m.rcpts()).toList());
    for (SmtpSink.Message m : sent) {
      String text = m.text();
      String header = text.substring(0, text.indexOf("\r\n\r\n"));
      assertTrue(header.contains("List-Id: \"List " + local + "\""), header);
      assertTrue(header.contains("List-Post: <mailto:" + address + ">"), header);
      assertTrue(header.contains("List-Unsubscribe: "), header);
      assertFalse(header.contains("[dig]"), "no subject prefix on a digest: " + header);
      assertEquals(local + "-bounces@lists.test", m.mailFrom());
    }

    Path file = Files.createTempFile("digest", ".eml");
    try {
      Files.write(file, mime.get(0).data());
      ExternalProcess.Result r =
          ExternalProcess.run(List.of("python3", "-c", PYTHON_READER, file.toString()), null, 60);
      assertEquals(0, r.exitCode(), r.output());
      JsonNode read = new ObjectMapper().readTree(r.output());
      assertEquals("multipart/mixed", read.get("type").asText());
      assertEquals("multipart/digest", read.get("digestType").asText());
      assertTrue(read.get("toc").asText().contains("  2. [dig] Post 2 (Poster)"), r.output());
      assertEquals(3, read.get("posts").size(), r.output());
      for (int i = 0; i < 3; i++) {
        JsonNode p = read.get("posts").get(i);
        assertEquals("message/rfc822", p.get("type").asText());
        assertEquals("<" + ids.get(i) + ">", p.get("id").asText(), "in the order accepted");
        assertEquals("[dig] Post " + (i + 1), p.get("subject").asText(), "as members got it");
        assertTrue(p.get("listId").asText().contains(local), "with its List-Id");
        assertEquals(
            "Body of post " + (i + 1) + ".\nSecond line.\n",
            p.get("body").asText().replace("\r\n", "\n"));
      }
    } finally {
      Files.deleteIfExists(file);
    }
    String plainText = plain.get(0).text();
    for (int i = 1; i <= 3; i++) {
      assertTrue(plainText.contains("\r\nSubject: [dig] Post " + i + "\r\n"), plainText);
      assertTrue(plainText.contains("\r\nBody of post " + i + ".\r\nSecond line.\r\n"), plainText);
    }
    assertTrue(plainText.contains("\r\n" + "-".repeat(70) + "\r\n"), plainText);

    api()
        .get("/api/lists/" + address + "/digests")
        .then()
        .statusCode(200)
        .body("total", equalTo(1))
        .body("items[0].volume", equalTo(1))
        .body("items[0].issue", equalTo(1))
        .body("items[0].posts", equalTo(3))
        .body("items[0].postIds[0]", equalTo(posts.get(0).intValue()))
        .body("items[0].postIds[2]", equalTo(posts.get(2).intValue()))
        .body("items[0].sentAt", org.hamcrest.Matchers.notNullValue());
    api()
        .get("/api/lists/" + address + "/digests/1/1/raw?form=plain")
        .then()
        .statusCode(200)
        .body(containsString("End of List " + local + " Digest, Vol 1, Issue 1"));
    api()
        .get("/api/lists/" + address + "/digests/1/1/raw")
        .then()
        .statusCode(200)
        .body(containsString("multipart/digest"));
    api().get("/api/lists/" + address + "/digests/1/1/raw?form=html").then().statusCode(400);
    api().get("/api/lists/" + address + "/digests/1/9/raw").then().statusCode(404);
    api()
        .post("/api/lists/" + address + "/digests/volume")
        .then()
        .statusCode(200)
        .body("volume", equalTo(2))
        .body("nextIssue", equalTo(1));
  }

  @Test
  void theThresholdSendsAnIssueByItself() throws Exception {
    String local = newList("thr");
    long list = db.listId(local + "@lists.test");
    // A personalized list: the digest is personalized like any post.
    db.sql(
        "update mailing_list set digest_size_threshold_kb = 1, personalize = true where id = "
            + list);
    db.member(list, "plain@c.test", "ACTIVE", "DIGEST_PLAIN");
    String id = TestMail.uniqueId();
    post(list, local, id, "Big", "x".repeat(70) + "\r\n" + ("y".repeat(70) + "\r\n").repeat(20));
    awaitIssueDelivered(list, 1);
    assertEquals(1, digests(local, 1, 1).size());
    SmtpSink.Message digest = digests(local, 1, 1).get(0);
    assertTrue(digest.text().contains("Subject: [thr] Big"));
    assertTrue(digest.mailFrom().startsWith(local + "-bounces+plain=c.test="), digest.mailFrom());
    assertTrue(digest.text().contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
  }

  @Test
  void theScheduleSendsAnIssueByItself() throws Exception {
    String local = newList("sch");
    String address = local + "@lists.test";
    long list = db.listId(address);
    api()
        .body("{\"digest\":{\"schedule\":\"every minute\"}}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("Quartz cron"));
    api()
        .body("{\"digest\":{\"schedule\":\"*/2 * * * * ?\",\"maxPosts\":10}}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(200)
        .body("digest.schedule", equalTo("*/2 * * * * ?"))
        .body("digest.maxPosts", equalTo(10))
        .body("digest.sizeThresholdKb", equalTo(30))
        .body("digest.enabled", equalTo(true));
    db.member(list, "mime@a.test", "ACTIVE", "DIGEST_MIME");
    String id = TestMail.uniqueId();
    post(list, local, id, "Scheduled", "On time.\r\n");
    awaitIssueDelivered(list, 1);
    assertEquals(List.of("mime@a.test"), digests(local, 1, 1).get(0).rcpts());
  }

  @Test
  void modeChangesTakeEffectWhenThePeriodEnds() throws Exception {
    String local = newList("mode");
    String address = local + "@lists.test";
    long list = db.listId(address);
    db.member(list, "ann@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "bob@c.test", "ACTIVE", "REGULAR");
    String p1 = TestMail.uniqueId();
    post(list, local, p1, "One", "1\r\n");
    // Mid-period: Ann leaves digests, Bob joins them (by REST and by email command alike).
    api()
        .body("{\"deliveryMode\":\"REGULAR\"}")
        .patch("/api/lists/" + address + "/members/ann@a.test")
        .then()
        .statusCode(200)
        .body("deliveryMode", equalTo("REGULAR"));
    db.sql(
        "update member set delivery_mode = 'DIGEST_PLAIN' where email = 'bob@c.test'"
            + " and list_id = "
            + list);
    String p2 = TestMail.uniqueId();
    post(list, local, p2, "Two", "2\r\n");
    assertEquals(Set.of("bob@c.test"), recipientsOf(p1));
    assertEquals(Set.of("bob@c.test"), recipientsOf(p2), "the period's modes hold until its end");

    api()
        .post("/api/lists/" + address + "/digests")
        .then()
        .statusCode(202)
        .body("posts", equalTo(2));
    awaitIssueDelivered(list, 1);
    List<SmtpSink.Message> first = digests(local, 1, 1);
    assertEquals(List.of(List.of("ann@a.test")), first.stream().map(m -> m.rcpts()).toList());
    assertTrue(first.get(0).text().contains(p1) && first.get(0).text().contains(p2));

    String p3 = TestMail.uniqueId();
    post(list, local, p3, "Three", "3\r\n");
    assertEquals(Set.of("ann@a.test"), recipientsOf(p3), "the new period's modes");
    api()
        .post("/api/lists/" + address + "/digests")
        .then()
        .statusCode(202)
        .body("posts", equalTo(1));
    awaitIssueDelivered(list, 2);
    List<SmtpSink.Message> second = digests(local, 1, 2);
    assertEquals(List.of(List.of("bob@c.test")), second.stream().map(m -> m.rcpts()).toList());
    assertTrue(second.get(0).text().contains("Subject: [mode] Three"));
    assertFalse(second.get(0).text().contains("Subject: [mode] One"));
  }

  @Test
  void twoAssemblersRacingWriteOneIssue() throws Exception {
    String local = newList("race");
    long list = db.listId(local + "@lists.test");
    db.member(list, "mime@a.test", "ACTIVE", "DIGEST_MIME");
    for (int round = 1; round <= 5; round++) {
      for (int i = 0; i < 3; i++) {
        post(list, local, TestMail.uniqueId(), "Round " + round + " post " + i, "r\r\n");
      }
      // Two assemblers, each on its own connection (as two instances would be), released at once.
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Optional<AssembledIssue>>> runs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          runs.add(
              pool.submit(
                  () -> {
                    start.await();
                    return assembler.assemble(list, DigestTrigger.REQUEST);
                  }));
        }
        int written = 0;
        for (Future<Optional<AssembledIssue>> f : runs) {
          Optional<AssembledIssue> issue = f.get(60, TimeUnit.SECONDS);
          if (issue.isPresent()) {
            written++;
            assertEquals(round, issue.get().issue());
            assertEquals(3, issue.get().posts());
          }
        }
        assertEquals(1, written, "round " + round + ": exactly one issue");
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals("5", db.scalar("select count(*) from digest where list_id = ?", list));
    assertEquals(
        "15",
        db.scalar(
            "select count(*) from digest_post x join digest d on d.id = x.digest_id"
                + " where d.list_id = ?",
            list));
    for (int issue = 1; issue <= 5; issue++) {
      awaitIssueDelivered(list, issue);
      assertEquals(1, digests(local, 1, issue).size(), "issue " + issue + " sent once");
    }
  }
}
