package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A small post's delivery rows are written already leased to this instance's scheduler (in the
 * expansion's own transaction, so the lease runs from the row's creation) and delivered without a
 * claim; the scheduler reserves room all or nothing.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class HandoffTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;
  @Inject DeliveryScheduler scheduler;
  @Inject FanmailConfig config;
  @Inject MeterRegistry registry;

  @Test
  void aSmallPostsRowIsWrittenLeasedAndDeliveredWithoutAClaim() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("handoff", "lists.test", null, "POSTER");
    db.members(list, "hand", "c.test", 2);
    SmtpSink sink = SINK.sink();
    double handedBefore = rows("handoff");
    // A connection opened before the script is set does not consult it: wait until the
    // connections other tests left open (kept up to a second for reuse) are gone.
    assertTrue(Await.until(WAIT, () -> sink.openConnections() == 0), "sink idle");
    // The sink holds the reply to the final dot, so the row can be read while it is in flight.
    sink.faultScript(
        new SmtpSink.FaultScript() {
          @Override
          public Duration dataReplyDelay(String address, List<String> rcpts) {
            return rcpts.contains("hand1@c.test") ? Duration.ofSeconds(2) : Duration.ZERO;
          }
        });
    try {
      long post =
          db.acceptedPost(
              list,
              "handoff@lists.test",
              TestMail.message(TestMail.uniqueId(), "handoff@lists.test", "s", "b\r\n"),
              Instant.now());
      committed.fire(new PostCommitted(List.of(post)));
      assertTrue(
          Await.until(WAIT, () -> !sink.rcptAttempts("hand2@c.test").isEmpty()),
          "the transaction reached the sink");
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "select count(*), bool_and(lease_owner = ?),"
                      + " bool_and(lease_until = created_at + make_interval(secs => ?))"
                      + " from delivery where post_id = ?")) {
        ps.setString(1, scheduler.owner());
        ps.setDouble(2, config.delivery().lease().toMillis() / 1000.0);
        ps.setLong(3, post);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(1, rs.getInt(1), "one row for the one host");
          assertTrue(rs.getBoolean(2), "leased to this instance");
          assertTrue(
              rs.getBoolean(3), "leased by the statement that wrote it (a claim leases later)");
        }
      }
      db.awaitPost(post, "DONE", WAIT, "post DONE");
      assertEquals(
          "DELIVERED,DELIVERED",
          db.scalar(
              "select string_agg(state, ',' order by email) from recipient where post_id = ?",
              post));
      assertEquals(handedBefore + 1, rows("handoff"), "the row came by handoff");
    } finally {
      sink.faultScript(null);
    }
  }

  @Test
  void roomIsReservedAllOrNothing() {
    assertNull(scheduler.reserve(Integer.MAX_VALUE), "more than the scheduler holds");
    assertNull(scheduler.reserve(0), "nothing to reserve");
    DeliveryHandoff.Reservation r = scheduler.reserve(2);
    assertNotNull(r);
    assertEquals(scheduler.owner(), r.owner());
    assertEquals(2, r.rows());
    assertEquals(config.delivery().lease(), r.lease());
    scheduler.cancel(r);
  }

  private double rows(String source) {
    Counter c = registry.find("fanmail.delivery.rows").tag("source", source).counter();
    return c == null ? 0 : c.count();
  }
}
