package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;

/**
 * Small posts are expanded in batches that share a transaction, and one post whose expansion fails
 * holds back neither the batch nor the posts behind it.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ExpansionBatchTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  @Test
  void aFailingPostDoesNotStopTheSmallPostsBehindIt() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = FanoutTestProfile.sink();
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

    for (long post : posts) {
      assertTrue(db.awaitPostState(post, "DONE", WAIT), "post " + post + " reaches DONE");
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
}
