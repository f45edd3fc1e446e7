package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Small posts are expanded in batches that share a transaction, and one post whose expansion fails
 * holds back neither the batch nor the posts behind it.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ExpansionBatchTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  @Test
  void aFailingPostDoesNotStopTheSmallPostsBehindIt() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("batch", "lists.test", null, "POSTER");
    db.members(list, "m", "c.test", 3);
    db.member(list, "big@a.test", "ACTIVE", "REGULAR");
    // Oldest first: a post whose expansion must fail (a named recipient without a domain breaks
    // the candidates' NOT NULL domain), then 120 ordinary posts: more than two batches.
    long poison;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, purpose, state, envelope_from, raw,"
                    + " size, addressed_to) values (?, 'batch@lists.test', 'SYSTEM', 'ACCEPTED',"
                    + " '', '\\x41'::bytea, 1, array['no-domain']) returning id")) {
      ps.setLong(1, list);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        poison = rs.getLong(1);
      }
    }
    // Then a post whose list is gone: parked inside the batch, never dropped, nothing else held up.
    long orphan;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, state, envelope_from, raw, size)"
                    + " values (null, 'gone@lists.test', 'ACCEPTED', 'x@example.test',"
                    + " '\\x41'::bytea, 1) returning id")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        orphan = rs.getLong(1);
      }
    }
    List<Long> posts = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String id = TestMail.uniqueId();
      ids.add(id);
      byte[] raw = TestMail.message(id, "batch@lists.test", "Batch " + i, "Body " + i + "\r\n");
      posts.add(db.acceptedPost(list, "batch@lists.test", raw, Instant.now()));
    }
    committed.fire(new PostCommitted(List.of(posts.get(0))));

    // Expanded: each post's four members written once, in two transactions (c.test, a.test).
    for (long post : posts) {
      db.awaitExpanded(post, WAIT);
      assertEquals(
          "4 4 2",
          db.scalar(
              "select count(*) || ' ' || count(distinct email) || ' '"
                  + " || count(distinct delivery_id) from recipient where post_id = ?",
              post));
    }
    for (long post : posts) {
      db.awaitPost(post, "DONE", WAIT, "post " + post + " reaches DONE");
    }
    assertEquals("ACCEPTED", db.postState(poison), "the failing post is left for a later try");
    assertEquals("PARKED", db.postState(orphan), "a post without its list is parked");
    for (String id : ids) {
      long copies =
          sink.messages().stream()
              .filter(m -> m.text().contains("Message-ID: <" + id + ">"))
              .mapToLong(m -> m.rcpts().size())
              .sum();
      assertEquals(4, copies, "every member got post " + id + " exactly once");
    }
    assertEquals(
        "480",
        db.scalar(
            "select count(*) from recipient where post_id >= ? and state = 'DELIVERED'",
            posts.get(0)));
  }

  /**
   * A small post that fails in the statement it shares with the rest of its batch (here: a delivery
   * row carrying a recipient the database refuses, through a trigger of this test) fails that
   * batch; the batches after it are of one post each until the failing one is found and held back,
   * and the posts behind it are delivered.
   */
  @Test
  void aSmallPostFailingInTheSharedWriteIsFoundAndTheOthersGoOn() throws Exception {
    TestMail db = new TestMail(dataSource);
    String poisonAddress = "poison-" + java.util.UUID.randomUUID() + "@c.test";
    long bad = db.list("shared-bad", "lists.test", null, "POSTER");
    db.member(bad, poisonAddress, "ACTIVE", "REGULAR");
    long good = db.list("shared-good", "lists.test", null, "POSTER");
    db.members(good, "g", "c.test", 2);
    String trigger = "refuse_" + Math.abs(poisonAddress.hashCode());
    try (Connection c = dataSource.getConnection();
        var st = c.createStatement()) {
      st.execute(
          "create function "
              + trigger
              + "() returns trigger language plpgsql as $$ begin"
              + " if '"
              + poisonAddress
              + "' = any(new.emails) then raise exception 'refused by the test'; end if;"
              + " return new; end $$");
      st.execute(
          "create trigger "
              + trigger
              + " before insert on delivery for each row execute function "
              + trigger
              + "()");
    }
    try {
      long poison =
          db.acceptedPost(
              bad,
              "shared-bad@lists.test",
              TestMail.message(TestMail.uniqueId(), "shared-bad@lists.test", "Bad", "b\r\n"),
              Instant.now());
      List<Long> posts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        byte[] raw =
            TestMail.message(TestMail.uniqueId(), "shared-good@lists.test", "Good " + i, "g\r\n");
        posts.add(db.acceptedPost(good, "shared-good@lists.test", raw, Instant.now()));
      }
      committed.fire(new PostCommitted(List.of(posts.get(0))));
      for (long post : posts) {
        db.awaitExpanded(post, WAIT);
        assertEquals("2", db.scalar("select count(*) from recipient where post_id = ?", post));
      }
      for (long post : posts) {
        db.awaitPost(post, "DONE", WAIT, "post " + post + " reaches DONE");
      }
      assertEquals("ACCEPTED", db.postState(poison), "the failing post is left for a later try");
      assertEquals("0", db.scalar("select count(*) from recipient where post_id = ?", poison));
    } finally {
      try (Connection c = dataSource.getConnection();
          var st = c.createStatement()) {
        st.execute("drop trigger " + trigger + " on delivery");
        st.execute("drop function " + trigger + "()");
      }
    }
  }
}
