package org.fanmail.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.RawRetention;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pending digest ({@code digest_pending}, V32) on the real database: raw retention keeps the
 * bytes of a post no issue holds yet on a list with digest members (archive off), so the issue
 * holds its text, and purges them once it does; the pending-posts read touches the pending posts
 * only, not the list's history of digested ones (EXPLAIN ANALYZE), and every post still goes into
 * exactly one issue.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class DigestPendingTest {
  /** The issues' digest posts are delivered here, not left for the next class's sink. */
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject AgroalDataSource dataSource;
  @Inject DigestAssembler assembler;
  @Inject RawRetention retention;

  private TestMail db;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
  }

  private long newList(String tag) throws Exception {
    String local = tag + UUID.randomUUID().toString().substring(0, 6);
    db.list(local, "lists.test", "[" + tag + "]", "POSTER");
    return db.listId(local + "@lists.test");
  }

  /** A post of the list as expansion leaves it: DONE, so pending by V32's trigger. */
  private long donePost(long listId, String body) throws SQLException {
    String address = db.scalar("select address from mailing_list where id = ?", listId);
    byte[] raw = TestMail.message(TestMail.uniqueId(), address, "About " + body, body + "\r\n");
    return db.post(address, "DONE", "s@example.test", "s@example.test", "s", raw, Instant.now());
  }

  @Test
  void retentionKeepsTheBytesOfAPostNoIssueHoldsYet() throws Exception {
    long list = newList("ret");
    db.sql("update mailing_list set archive = false where id = " + list);
    db.member(list, "mime@a.test", "ACTIVE", "DIGEST_MIME");
    String body = "kept-for-the-digest-" + UUID.randomUUID();
    long post = donePost(list, body);
    long other = newList("ret");
    db.sql("update mailing_list set archive = false where id = " + other);
    long alone = donePost(other, "nobody-takes-digests");
    // Past the retention (30 days): the zero age of these rows as far as retention is concerned.
    db.sql(
        "update post set updated_at = now() - interval '31 days' where id in ("
            + post
            + ", "
            + alone
            + ")");

    retention.purge();
    assertNull(db.postColumn(post, "raw_purged_at"), "pending on a list with a digest member");
    assertNotNull(db.postColumn(alone, "raw_purged_at"), "no digest member: purged as before");

    AssembledIssue issue = assembler.assemble(list, DigestTrigger.REQUEST).orElseThrow();
    assertEquals(List.of(post), issue.postIds());
    long mime =
        Long.parseLong(db.scalar("select mime_post_id from digest where list_id = ?", list));
    String digest = new String(raw(mime), StandardCharsets.UTF_8);
    assertTrue(digest.contains(body), "the issue holds the post's text:\n" + digest);
    assertEquals("0", db.scalar("select count(*) from digest_pending where list_id = ?", list));

    retention.purge();
    assertNotNull(db.postColumn(post, "raw_purged_at"), "in an issue: purged like any post");
    db.awaitPost(mime, "DONE", WAIT, "the digest delivered");
  }

  @Test
  void thePendingReadSkipsTheListsHistoryAndEveryPostGoesInOneIssue() throws Exception {
    long list = newList("hist");
    List<Long> history = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      history.add(donePost(list, "old " + i));
    }
    // No digest member: the period ends and the history is recorded as in no digest.
    assertFalse(assembler.assemble(list, DigestTrigger.REQUEST).isPresent());
    assertEquals(
        "300",
        db.scalar(
            "select count(*) from digest_post where post_id = any(select id from post where list_id = ?) and digest_id is null",
            list));
    db.member(list, "mime@a.test", "ACTIVE", "DIGEST_MIME");
    List<Long> fresh =
        List.of(donePost(list, "new 1"), donePost(list, "new 2"), donePost(list, "new 3"));
    db.sql("analyze post");
    db.sql("analyze digest_pending");

    long read = postRowsRead(list);
    assertEquals(fresh.size(), read, "rows of post read by PENDING_POSTS");

    AssembledIssue issue = assembler.assemble(list, DigestTrigger.REQUEST).orElseThrow();
    assertEquals(fresh, issue.postIds());
    db.awaitPost(issue.formPostIds().get(0), "DONE", WAIT, "the digest delivered");
    assertFalse(assembler.assemble(list, DigestTrigger.REQUEST).isPresent(), "nothing left");
    assertEquals(
        "303",
        db.scalar(
            "select count(*) from post p join digest_post x on x.post_id = p.id"
                + " where p.list_id = ?",
            list),
        "every post of the list in exactly one digest (or recorded in none)");
    assertEquals(0, postRowsRead(list), "an empty pending digest reads no post");
  }

  /** How many rows of {@code post} the pending-posts statement reads, by EXPLAIN ANALYZE. */
  private long postRowsRead(long list) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("explain (analyze, format json) " + DigestQueries.PENDING_POSTS)) {
      ps.setLong(1, list);
      ps.setInt(2, 501);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        JsonNode plan = new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
        return rowsOf(plan, "post");
      }
    }
  }

  /** Rows a plan read from {@code relation}: returned plus removed by a filter, every loop. */
  private static long rowsOf(JsonNode node, String relation) {
    long rows = 0;
    if (relation.equals(node.path("Relation Name").asText())) {
      long loops = node.path("Actual Loops").asLong(1);
      rows +=
          (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
              * loops;
    }
    for (JsonNode child : node.path("Plans")) {
      rows += rowsOf(child, relation);
    }
    return rows;
  }

  private byte[] raw(long post) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select raw from post where id = ?")) {
      ps.setLong(1, post);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBytes(1);
      }
    }
  }
}
