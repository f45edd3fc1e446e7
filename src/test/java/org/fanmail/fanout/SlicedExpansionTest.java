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
import org.fanmail.config.FanmailConfig;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A post of more than ten thousand recipients is written in slices, each committed on its own so
 * that sending starts before the last is written; a post left half-written (its expander died
 * between two slices) is resumed by whoever takes its lock, and only its missing recipients are
 * written.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class SlicedExpansionTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(90);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;
  @Inject FanoutStage stage;
  @Inject DestinationResolver destinations;
  @Inject FanmailConfig config;
  @Inject Event<DeliveriesReady> ready;

  @Test
  void aLargePostIsWrittenInSlicesAndDeliveredOnceToEveryone() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("sliced", "lists.test", null, "POSTER");
    db.members(list, "s", "a.test", 4000);
    db.members(list, "s", "c.test", 4000);
    db.members(list, "s", "d.test", 2005);
    // Digest members get it in their digest, never on its own (issue 18).
    db.member(list, "digest@a.test", "ACTIVE", "DIGEST_MIME");
    db.member(list, "plain@d.test", "ACTIVE", "DIGEST_PLAIN");
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "sliced@lists.test",
            TestMail.message(id, "sliced@lists.test", "Big", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));

    // Written: every member once, at most ten a delivery row, in the minimum of rows.
    db.awaitExpanded(post, WAIT);
    assertEquals("10005 10005 1001 10", written(db, post));
    db.awaitPost(post, "DONE", WAIT, "the post is delivered");
    assertNotNull(db.scalar("select expanded_at from post where id = ?", post));
    assertEquals(10005, copies(sink, id), "every member got the post exactly once");
    // Ten recipients a transaction in this profile: 400 + 400 + 201, and one copy each.
    assertEquals(1001, transactions(sink, id), "transactions are the minimum");
    assertEquals("1001", db.scalar("select count(*) from delivery where post_id = ?", post));
    assertEquals(
        "10005",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state = 'DELIVERED'", post));
  }

  /**
   * A large post's head (its first members in id order, written before the rest) cuts groups
   * wherever the member ids fall: here a.test, b.test (one host with a.test) and c.test members
   * alternate, so the head holds part of each group. Whole transactions of the head go first, the
   * rest of each group after, and the post still takes the minimum: ceil(7,002 / 10) for the shared
   * host and ceil(3,501 / 10) for c.test.
   */
  @Test
  void aLargePostWhoseHeadCutsItsGroupsTakesTheMinimumTransactions() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("headcut", "lists.test", null, "POSTER");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain)"
                    + " select ?, 'h' || g || '@' || d, d from generate_series(1, 10503) g,"
                    + " lateral (select (array['a.test', 'b.test', 'c.test'])[g % 3 + 1] as d) x"
                    + " order by g")) {
      ps.setLong(1, list);
      assertEquals(10503, ps.executeUpdate());
    }
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "headcut@lists.test",
            TestMail.message(id, "headcut@lists.test", "Cut", "c\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));

    db.awaitExpanded(post, WAIT);
    assertEquals("10503 10503 1052 10", written(db, post));
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from (select delivery_id from recipient where post_id = ?"
                + " group by delivery_id having count(*) > 10) x",
            post));
    // The head went first: the post's first 499 transactions (the head's, 4,990 recipients)
    // hold members of the list's first 5,000 only; routed as a whole, they would not.
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient r join post p on p.id = r.post_id"
                + " join member m on m.id = r.member_id"
                + " where r.delivery_id in (select id from delivery where post_id = p.id"
                + " order by id limit 499)"
                + " and m.id > (select id from member where list_id = p.list_id order by id"
                + " offset 4999 limit 1) and p.id = ?",
            post));

    db.awaitPost(post, "DONE", WAIT, "the post is delivered");
    assertEquals(10503, copies(sink, id), "every member got the post exactly once");
    assertEquals(701 + 351, transactions(sink, id), "transactions are the minimum");
    assertEquals(
        "10503",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state = 'DELIVERED'", post));
  }

  /**
   * A large post's first commit also commits the posts its batch expanded before it: what was
   * handed to the scheduler then (their rows written leased to it) is settled right after that
   * commit, not after the large post's last slice. Checked on the hook the batch gives the
   * expansion: it runs after each commit but the last, first when the head's first 1,000 recipients
   * are committed.
   */
  @Test
  void theBatchIsSettledAtALargePostsFirstCommit() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("settled", "lists.test", null, "POSTER");
    db.members(list, "t", "a.test", 6000);
    db.members(list, "t", "c.test", 4500);
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            list,
            "settled@lists.test",
            TestMail.message(id, "settled@lists.test", "Settled", "s\r\n"),
            Instant.now());
    ParallelResolver resolver = new ParallelResolver(destinations);
    WorkingTables tables = new WorkingTables(resolver, config);
    SlicedExpansion sliced =
        new SlicedExpansion(dataSource, tables, ready, new SlicedHead(resolver, config, ready));
    List<String> committedRecipients = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // Claimed as the batch claims it, so that the stage's own scan leaves it alone.
      try (PreparedStatement ps =
          c.prepareStatement("select id from post where id = ? for update")) {
        ps.setLong(1, post);
        ps.executeQuery().close();
      }
      SetBasedExpansion setBased =
          new SetBasedExpansion(
              tables,
              sliced,
              () -> {
                try {
                  committedRecipients.add(
                      db.scalar("select count(*) from recipient where post_id = ?", post));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Expansion made = setBased.expand(c, new ClaimedPost(post, list, false, "NONE"));
      assertEquals(10500, made.recipients());
    } finally {
      resolver.close();
    }
    assertEquals("1000", committedRecipients.get(0), committedRecipients.toString());
    assertEquals("5000", committedRecipients.get(1), committedRecipients.toString());
    db.awaitPost(post, "DONE", WAIT, "the post is delivered");
    assertEquals(10500, copies(sink, id), "every member got the post exactly once");
  }

  /**
   * A small post claimed in one batch with a large one is sent while the large one is still being
   * written: its rows, written leased to this instance's scheduler, are handed over at the large
   * post's first commit, not when the batch ends. The large post's slices are held up for three
   * seconds (a trigger sleeps in the first delivery insert that reads the sliced chunk table); the
   * small post must be delivered before that sleep is over.
   */
  @Test
  void aSmallPostInTheBatchOfALargeOneIsSentWhileTheLargeOneIsWritten() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long small = db.list("beside", "lists.test", null, "POSTER");
    db.members(small, "b", "c.test", 3);
    long large = db.list("behind", "lists.test", null, "POSTER");
    db.members(large, "l", "a.test", 6000);
    db.members(large, "l", "d.test", 4500);
    String smallId = TestMail.uniqueId();
    long[] posts = new long[2];
    try (Connection c = dataSource.getConnection();
        var st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("create table if not exists sliced_test_slept (post_id bigint)");
      st.execute(
          "create or replace function sliced_test_sleep() returns trigger language plpgsql as $$"
              + " begin if current_query() like '%fanout_sliced_chunk%'"
              + " and not exists (select 1 from sliced_test_slept) then"
              + " insert into sliced_test_slept values (0); perform pg_sleep(3); end if;"
              + " return null; end $$");
      st.execute(
          "create trigger sliced_test_sleep before insert on delivery"
              + " for each statement execute function sliced_test_sleep()");
      c.commit();
      // Both posts in one commit, so that one claim takes both (the small one first).
      posts[0] = insertPost(c, small, "beside@lists.test", smallId, "ACCEPTED", "POST");
      posts[1] = insertPost(c, large, "behind@lists.test", TestMail.uniqueId(), "ACCEPTED", "POST");
      c.commit();
    }
    try {
      committed.fire(new PostCommitted(List.of(posts[0], posts[1])));
      db.awaitPost(posts[0], "DONE", Duration.ofSeconds(2), "the small post is delivered");
      assertEquals(
          null,
          db.scalar("select expanded_at from post where id = ?", posts[1]),
          "while the large post is still being written");
      assertEquals(3, copies(sink, smallId));
      db.awaitPost(posts[1], "DONE", WAIT, "the large post is delivered");
    } finally {
      try (Connection c = dataSource.getConnection();
          var st = c.createStatement()) {
        st.execute("drop trigger if exists sliced_test_sleep on delivery");
        st.execute("drop table if exists sliced_test_slept");
      }
    }
  }

  @Test
  void aHalfWrittenPostIsResumedOnceItsExpanderIsGone() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("resumed", "lists.test", null, "POSTER");
    db.members(list, "r", "a.test", 1000);
    db.members(list, "r", "c.test", 6000);
    db.members(list, "r", "d.test", 4500);
    String id = TestMail.uniqueId();
    long post;
    try (Connection holder = dataSource.getConnection()) {
      // Made by a session that takes the post's lock before it commits, as a live expander holds
      // it.
      holder.setAutoCommit(false);
      post = halfWritten(holder, list, "resumed@lists.test", id, "POST");
      assertEquals("true", lock(holder, "select pg_try_advisory_lock(?)", post));
      holder.commit();

      // Its expander is alive (holds the lock): nobody resumes it.
      stage.resumeUnfinished();
      assertEquals("1000", db.scalar("select count(*) from recipient where post_id = ?", post));
      assertEquals("DELIVERING", db.postState(post));
      assertEquals("true", lock(holder, "select pg_advisory_unlock(?)", post));
      holder.commit();
    }

    stage.resumeUnfinished();
    // Written: the members not written before, once each; the a.test members not again.
    db.awaitExpanded(post, WAIT);
    assertEquals("11500 11500", written(db, post).substring(0, 11));
    assertEquals(
        "1000",
        db.scalar("select count(*) from recipient where post_id = ? and domain = 'a.test'", post));
    db.awaitPost(post, "DONE", WAIT, "the resumed post is delivered");
    assertEquals("11500", db.scalar("select count(*) from recipient where post_id = ?", post));
    assertEquals(10500, copies(sink, id), "only the members not written before got it, once each");
    assertTrue(
        sink.messages().stream()
            .filter(m -> m.text().contains("Message-ID: <" + id + ">"))
            .flatMap(m -> m.rcpts().stream())
            .noneMatch(r -> r.endsWith("@a.test")),
        "the members written before the stop are not sent the post again");
    assertNotNull(db.scalar("select expanded_at from post where id = ?", post));
  }

  /**
   * A digest post is expanded like any post, in slices when it is large, so a half-written one is
   * resumed too, to the members fixed for it (digest_member) not in any of its delivery rows yet.
   */
  @Test
  void aHalfWrittenDigestIsResumedToItsOwnMembersOnly() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("digested", "lists.test", null, "POSTER");
    db.members(list, "g", "a.test", 300);
    db.members(list, "g", "c.test", 200);
    String id = TestMail.uniqueId();
    long post;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = halfWritten(c, list, "digested@lists.test", id, "DIGEST");
      // The digest's members: every a.test member (written and delivered before its expander
      // died) and the first 100 of c.test.
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into digest_member (post_id, member_id) select ?, m.id from member m"
                  + " where m.list_id = ? and (m.domain = 'a.test' or m.email in (select email"
                  + " from member where list_id = ? and domain = 'c.test' order by id limit 100))")) {
        ps.setLong(1, post);
        ps.setLong(2, list);
        ps.setLong(3, list);
        assertEquals(400, ps.executeUpdate());
      }
      c.commit();
    }

    stage.resumeUnfinished();
    // Written: the digest's 100 c.test members, beside the 300 a.test ones written before.
    db.awaitExpanded(post, WAIT);
    assertEquals("400 400", written(db, post).substring(0, 7));
    assertEquals(
        "100",
        db.scalar(
            "select count(*) from recipient r join digest_member d on d.post_id = r.post_id"
                + " and d.member_id = r.member_id where r.post_id = ? and r.domain = 'c.test'",
            post));
    db.awaitPost(post, "DONE", WAIT, "the resumed digest is delivered");
    assertEquals(100, copies(sink, id), "only the digest's members not written before got it");
    assertEquals("400", db.scalar("select count(*) from recipient where post_id = ?", post));
    assertNotNull(db.scalar("select expanded_at from post where id = ?", post));
  }

  /**
   * What an expander that died after its first slices leaves, in {@code c}'s transaction: a post of
   * {@code purpose} DELIVERING but not expanded, its list's a.test members written (in one delivery
   * row) and delivered, the others not written at all.
   */
  private static long halfWritten(
      Connection c, long list, String address, String messageId, String purpose) throws Exception {
    long post = insertPost(c, list, address, messageId, "DELIVERING", purpose);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into delivery (post_id, destination, state, emails, members, outcomes)"
                + " select ?, 'x', 'DONE', array_agg(m.email order by m.email collate \"C\"),"
                + " array_agg(m.id order by m.email collate \"C\"), array_agg('DELIVERED'::text)"
                + " from member m where m.list_id = ? and m.domain = 'a.test'")) {
      ps.setLong(1, post);
      ps.setLong(2, list);
      assertEquals(1, ps.executeUpdate());
    }
    return post;
  }

  /** A post of {@code list} in {@code state}, inserted in {@code c}'s transaction. */
  private static long insertPost(
      Connection c, long list, String address, String messageId, String state, String purpose)
      throws Exception {
    byte[] raw = TestMail.message(messageId, address, "Sliced", "s\r\n");
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into post (list_id, list_address, state, envelope_from, raw, size, purpose)"
                + " values (?, ?, ?, 'poster@example.test', ?, ?, ?) returning id")) {
      ps.setLong(1, list);
      ps.setString(2, address);
      ps.setString(3, state);
      ps.setBytes(4, raw);
      ps.setInt(5, raw.length);
      ps.setString(6, purpose);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String lock(Connection c, String sql, long key) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return String.valueOf(rs.getBoolean(1));
      }
    }
  }

  /**
   * The resume's anti-join (members in none of the post's delivery rows) is never planned as a
   * nested loop, whatever the statistics say: delivery rows are indexed by post only and carry
   * their addresses in arrays, so a nested loop reads every written recipient of the post once per
   * member (minutes for 50,000 members, found by CrashRecoveryIT). Checked on the plan, with
   * statistics taken while the post had a few recipients.
   */
  @Test
  void theResumedPostsAntiJoinIsNotANestedLoop() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("antijoin", "lists.test", null, "POSTER");
    db.members(list, "n", "a.test", 2000);
    long post =
        db.acceptedPost(
            list,
            "antijoin@lists.test",
            TestMail.message(TestMail.uniqueId(), "antijoin@lists.test", "A", "a\r\n"),
            Instant.now());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute(
            "insert into delivery (post_id, destination, state, emails, members, outcomes)"
                + " select "
                + post
                + ", 'a.test', 'DONE', array_agg('n' || g || '@a.test'), array_agg(0::bigint),"
                + " array_agg('DELIVERED'::text) from generate_series(1, 5) g");
        st.execute("analyze delivery");
        st.execute(SetBasedQueries.CREATE_CANDIDATE_TABLE);
        st.execute(SlicedQueries.NO_NESTED_LOOPS);
      }
      StringBuilder plan = new StringBuilder();
      try (PreparedStatement ps =
          c.prepareStatement("explain " + SlicedQueries.INSERT_REMAINING_CANDIDATES)) {
        ps.setLong(1, list);
        ps.setLong(2, post);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      } finally {
        c.rollback();
      }
      // The one post row joins its members in a loop (one row); the anti-join must not.
      String text = plan.toString();
      assertTrue(text.matches("(?s).*(Hash|Merge) Anti Join.*"), text);
      assertTrue(!text.contains("Nested Loop Anti Join"), text);
    }
  }

  /**
   * What the post's delivery rows carry: recipients, distinct addresses, delivery rows, the most
   * recipients in one row.
   */
  private static String written(TestMail db, long post) throws Exception {
    return db.scalar(
        "select count(*) || ' ' || count(distinct email) || ' ' || count(distinct delivery_id)"
            + " || ' ' || max(position) from recipient where post_id = ?",
        post);
  }

  private static long copies(SmtpSink sink, String messageId) {
    return sink.messages().stream()
        .filter(m -> m.text().contains("Message-ID: <" + messageId + ">"))
        .mapToLong(m -> m.rcpts().size())
        .sum();
  }

  private static long transactions(SmtpSink sink, String messageId) {
    return sink.messages().stream()
        .filter(m -> m.text().contains("Message-ID: <" + messageId + ">"))
        .count();
  }
}
