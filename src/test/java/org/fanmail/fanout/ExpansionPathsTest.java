package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A small post is routed in memory and written with one statement; a large one goes through the
 * set-based statements. Both must write the same rows: the same post to the same list is expanded
 * once each way (the in-memory limit set to -1 for the first) and the delivery rows are compared
 * with the recipients each one carries, then both are delivered to every member once.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ExpansionPathsTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject AgroalDataSource dataSource;
  @Inject FanoutStage stage;
  @Inject AdjustableInMemoryLimit limit;
  @Inject Event<PostCommitted> committed;

  @AfterEach
  void restoreLimit() {
    limit.set(InMemoryLimit.CANDIDATES);
  }

  @Test
  void bothPathsWriteTheSameDeliveriesAndRecipients() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("paths", "lists.test", null, "POSTER");
    db.members(list, "p", "a.test", 23);
    db.members(list, "q", "b.test", 6);
    db.members(list, "r", "c.test", 11);
    db.member(list, "own@c.test", "ACTIVE", "REGULAR");
    db.member(list, "quiet@a.test", "ACTIVE", "NOMAIL");
    db.member(list, "digest@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "plain@c.test", "ACTIVE", "DIGEST_PLAIN");
    db.member(list, "gone@a.test", "DISABLED_BY_BOUNCE", "REGULAR");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update member set receive_own_posts = false where email = 'own@c.test'")) {
      assertEquals(1, ps.executeUpdate());
    }

    limit.set(-1);
    String setId = TestMail.uniqueId();
    long setBased = post(db, list, setId);
    db.awaitExpanded(setBased, WAIT);
    limit.set(InMemoryLimit.CANDIDATES);
    String inlineId = TestMail.uniqueId();
    long inline = post(db, list, inlineId);
    db.awaitExpanded(inline, WAIT);

    List<String> setRows = deliveries(setBased);
    // 23 + 6 behind 127.0.1.1 in chunks of 10, 11 behind 127.0.1.2; own@ and the two who get no
    // mail are left out.
    assertEquals(5, setRows.size(), setRows.toString());
    assertEquals(setRows, deliveries(inline));
    assertEquals(recipients(setBased), recipients(inline));

    db.awaitPost(setBased, "DONE", WAIT, "the set-based post is delivered");
    db.awaitPost(inline, "DONE", WAIT, "the in-memory post is delivered");
    for (String id : List.of(setId, inlineId)) {
      List<String> rcpts =
          sink.messages().stream()
              .filter(m -> m.text().contains("Message-ID: <" + id + ">"))
              .flatMap(m -> m.rcpts().stream())
              .toList();
      assertEquals(40, rcpts.size(), "every member once: " + rcpts);
      assertEquals(40, rcpts.stream().distinct().count());
    }
  }

  /**
   * One batch with posts of two lists, the in-memory limit at 3: the list of four members is read
   * as too big (its posts take the set-based path), the list of three is not. Every post gets
   * exactly its own list's members, each once.
   */
  @Test
  void aBatchOfTwoListsEitherSideOfTheLimit() throws Exception {
    TestMail db = new TestMail(dataSource);
    long big = db.list("mix-big", "lists.test", null, "POSTER");
    db.members(big, "big", "a.test", 4);
    long small = db.list("mix-small", "lists.test", null, "POSTER");
    db.members(small, "small", "c.test", 3);
    limit.set(3);
    List<Long> posts = new ArrayList<>();
    List<Long> lists = List.of(big, small, big, small);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, state, envelope_from, raw, size)"
                    + " values (?, 'mix@lists.test', 'ACCEPTED', 'x@example.test', ?, 10)"
                    + " returning id")) {
      // One commit: the four posts are claimed in one batch (by the wake-up or the scan).
      c.setAutoCommit(false);
      for (long list : lists) {
        ps.setLong(1, list);
        ps.setBytes(2, TestMail.message(TestMail.uniqueId(), "mix@lists.test", "Mix", "m\r\n"));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          posts.add(rs.getLong(1));
        }
      }
      c.commit();
    }
    committed.fire(new PostCommitted(List.of(posts.get(0))));
    for (int i = 0; i < posts.size(); i++) {
      long post = posts.get(i);
      db.awaitExpanded(post, WAIT);
      String prefix = lists.get(i) == big ? "big" : "small";
      int members = lists.get(i) == big ? 4 : 3;
      List<String> emails =
          rows("select email from recipient where post_id = ? order by email", post);
      assertEquals(members, emails.size(), emails.toString());
      assertTrue(emails.stream().allMatch(e -> e.startsWith(prefix)), emails.toString());
    }
    for (int i = 0; i < posts.size(); i++) {
      long post = posts.get(i);
      db.awaitPost(post, "DONE", WAIT, "post " + post + " is delivered");
      int members = lists.get(i) == big ? 4 : 3;
      assertEquals(
          String.valueOf(members),
          db.scalar(
              "select count(*) from recipient where post_id = ? and state = 'DELIVERED'", post));
    }
  }

  /**
   * The in-memory path's read of a one-member list beside a list of 30,000 is an index scan on the
   * list's members: the list id is planned as a value (a per-post LATERAL planned for the average
   * list read the whole member table under its LIMIT, 0.3 s a post in the huge bench).
   */
  @Test
  void aSmallListBesideABigOneIsReadThroughTheIndex() throws Exception {
    TestMail db = new TestMail(dataSource);
    long big = db.list("plan-big", "lists.test", null, "POSTER");
    db.members(big, "many", "a.test", 30_000);
    long small = db.list("plan-small", "lists.test", null, "POSTER");
    db.member(small, "one@c.test", "ACTIVE", "REGULAR");
    long post =
        db.acceptedPost(
            small,
            "plan-small@lists.test",
            TestMail.message(TestMail.uniqueId(), "plan-small@lists.test", "Plan", "p\r\n"),
            Instant.now());
    StringBuilder plan = new StringBuilder();
    try (Connection c = dataSource.getConnection()) {
      try (var st = c.createStatement()) {
        st.execute("analyze member");
      }
      try (PreparedStatement ps =
          c.prepareStatement("explain " + InMemoryQueries.SELECT_CANDIDATES_OF_LIST)) {
        ps.setLong(1, small);
        ps.setArray(2, c.createArrayOf("bigint", new Object[] {post}));
        ps.setInt(3, (InMemoryLimit.CANDIDATES + 1) * 50);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    assertTrue(!plan.toString().contains("Seq Scan on member"), plan.toString());
    assertTrue(plan.toString().contains("Index Scan using member_list"), plan.toString());
  }

  @Test
  void aPostWithNobodyToSendToIsDoneOnEitherPath() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("nobody", "lists.test", null, "POSTER");
    db.member(list, "quiet@a.test", "ACTIVE", "NOMAIL");
    db.member(list, "digest@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "plain@a.test", "ACTIVE", "DIGEST_PLAIN");
    for (int candidates : new int[] {-1, InMemoryLimit.CANDIDATES}) {
      limit.set(candidates);
      long post = post(db, list, TestMail.uniqueId());
      db.awaitPost(post, "DONE", WAIT, "limit " + candidates);
      assertNotNull(db.scalar("select expanded_at from post where id = ?", post));
      assertEquals("0", db.scalar("select count(*) from delivery where post_id = ?", post));
      assertEquals("0", db.scalar("select count(*) from recipient where post_id = ?", post));
    }
  }

  private long post(TestMail db, long list, String id) throws Exception {
    long post =
        db.acceptedPost(
            list,
            "paths@lists.test",
            TestMail.message(id, "paths@lists.test", "Paths", "p\r\n"),
            Instant.now(),
            "own@c.test");
    // Expanded here or by the periodic scan, whichever comes first: the same limit applies.
    stage.expand(post);
    return post;
  }

  /** Each delivery row: destination, hosts, and its recipients in address order. */
  private List<String> deliveries(long post) throws Exception {
    return rows(
        "select d.destination, d.hosts::text,"
            + " (select string_agg(r.email, ',' order by r.email)"
            + "  from recipient r where r.delivery_id = d.id)"
            + " from delivery d where d.post_id = ? order by 1, 3",
        post);
  }

  /**
   * Each recipient (the view's rows): email, domain, member id, and its position in its delivery
   * row (RCPT order). Not its state: the post expanded first may be partly delivered already.
   */
  private List<String> recipients(long post) throws Exception {
    return rows(
        "select email, domain, member_id, position from recipient"
            + " where post_id = ? order by email",
        post);
  }

  /** The rows of {@code sql} (one parameter: the post), their columns joined by spaces. */
  private List<String> rows(String sql, long post) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, post);
      try (ResultSet rs = ps.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int k = 1; k <= columns; k++) {
            row.append(k > 1 ? " " : "").append(rs.getString(k));
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }
}
