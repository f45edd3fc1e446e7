package org.fanmail.delivery;

import static org.fanmail.fanout.FanoutTestProfile.HOST_MAILMAX;
import static org.fanmail.fanout.FanoutTestProfile.HOST_SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole-path delivery (post row to sink) where one host's behaviour shapes the transactions: the
 * group-by=host relay fallback (a shared host that refuses some domains' RCPTs as relaying gets
 * those domains again in transactions of their own, once) and MAILMAX (the rest of a row continues
 * on a new connection).
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class SharedHostDeliveryTest {
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

  private long post(String local, String id) throws Exception {
    long post =
        db.acceptedPost(
            db.listId(local + "@lists.test"),
            local + "@lists.test",
            TestMail.message(id, local + "@lists.test", "s", "b\r\n"),
            Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    return post;
  }

  private String recipients(long post) throws Exception {
    return db.scalar(
        "select string_agg(email || '=' || state || '/' || attempts || ':' || last_reply, ' | '"
            + " order by email) from recipient where post_id = ?",
        post);
  }

  @Test
  void domainsRefusedAsRelayingByASharedHostFallBackToTheirOwnTransactions() throws Exception {
    long list = db.list("relay", "lists.test", null, "POSTER");
    db.members(list, "a", "rel-a.test", 3);
    db.members(list, "b", "rel-b.test", 2);
    String id = TestMail.uniqueId();
    long post = post("relay", id);
    db.awaitPost(post, "DONE", WAIT, () -> "post DONE: " + recipients(post));

    List<List<String>> txns = sink.copiesOf(id).stream().map(SmtpSink.Message::rcpts).toList();
    assertEquals(
        List.of(
            List.of("a1@rel-a.test", "a2@rel-a.test", "a3@rel-a.test"),
            List.of("b1@rel-b.test", "b2@rel-b.test")),
        txns,
        "one transaction for the host (rel-b refused in it), then one for rel-b alone");
    assertTrue(sink.copiesOf(id).stream().allMatch(m -> m.address().equals(HOST_SHARED)));
    String rows = recipients(post);
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state <> 'DELIVERED'", post),
        rows);
    assertTrue(rows.contains("b1@rel-b.test=DELIVERED/2"), rows);
    assertEquals(
        "rel-b.test",
        db.scalar(
            "select string_agg(destination, ',') from delivery where post_id = ?"
                + " and destination like '%.test'",
            post));
  }

  @Test
  void aDomainRefusedOnItsOwnTooFailsAfterOneFallback() throws Exception {
    long list = db.list("deny", "lists.test", null, "POSTER");
    db.members(list, "a", "rel-a.test", 2);
    db.members(list, "x", "rel-deny.test", 2);
    sink.replyToRcpt("x1@rel-deny.test", "550 5.7.1 relay not permitted", 100);
    sink.replyToRcpt("x2@rel-deny.test", "550 5.7.1 relay not permitted", 100);
    String id = TestMail.uniqueId();
    long post = post("deny", id);
    db.awaitPost(post, "DONE", WAIT, () -> "post DONE: " + recipients(post));
    String rows = recipients(post);
    assertTrue(rows.contains("x1@rel-deny.test=FAILED/2:550 5.7.1 relay not permitted"), rows);
    assertTrue(rows.contains("x2@rel-deny.test=FAILED/2:550 5.7.1 relay not permitted"), rows);
    assertTrue(rows.contains("a1@rel-a.test=DELIVERED/1"), rows);
    assertEquals("2", db.scalar("select count(*) from delivery where post_id = ?", post));
  }

  @Test
  void aRelayRefusalInATransactionOfOneDomainFailsAtOnce() throws Exception {
    long list = db.list("alone", "lists.test", null, "POSTER");
    db.members(list, "y", "rel-deny.test", 1);
    sink.replyToRcpt("y1@rel-deny.test", "550 5.1.2 bad destination", 100);
    long post = post("alone", TestMail.uniqueId());
    db.awaitPost(post, "DONE", WAIT, () -> "post DONE: " + recipients(post));
    // Grouped by host, but the only domain in its row: nothing to split off, no second try.
    String rows = recipients(post);
    assertTrue(rows.contains("y1@rel-deny.test=FAILED/1"), rows);
    assertEquals("1", db.scalar("select count(*) from delivery where post_id = ?", post));
    assertTrue(rows.contains("550 5.1.2 bad destination"), rows);
  }

  @Test
  void mailMaxContinuesTheRowOnANewConnection() throws Exception {
    long list = db.list("mailmax", "lists.test", null, "POSTER");
    db.members(list, "m", "mailmax.test", 10);
    int before = sink.connections(HOST_MAILMAX);
    String id = TestMail.uniqueId();
    long post = post("mailmax", id);
    db.awaitPost(post, "DONE", WAIT, () -> "post DONE: " + recipients(post));
    List<SmtpSink.Message> got = sink.copiesOf(id);
    // One row of ten; RCPTMAX=3 and MAILMAX=2: two transactions per connection.
    assertEquals(List.of(3, 3, 3, 1), got.stream().map(m -> m.rcpts().size()).toList());
    assertEquals(2, got.stream().map(SmtpSink.Message::connection).distinct().count());
    assertEquals(2, sink.connections(HOST_MAILMAX) - before);
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and state <> 'DELIVERED'", post));
    assertEquals("1", db.scalar("select attempts from delivery where post_id = ?", post));
  }
}
