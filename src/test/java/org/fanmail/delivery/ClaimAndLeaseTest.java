package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.DeliveryQueries;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Claiming: fairness between a huge post and a small one, and leases that expire. */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ClaimAndLeaseTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  @Inject AgroalDataSource dataSource;

  private long post(Connection c, long list, String state) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into post (list_id, list_address, state, envelope_from, raw, size)"
                + " values (?, 'x@lists.test', ?, 'a@b.test', ?, 10) returning id")) {
      ps.setLong(1, list);
      ps.setString(2, state);
      ps.setBytes(3, TestMail.message(TestMail.uniqueId(), "x@lists.test", "s", "b\r\n"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aHugePostDoesNotStarveASmallOne() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("fair", "lists.test", null, "POSTER");
    try (Connection c = dataSource.getConnection()) {
      // Uncommitted: the running scheduler cannot see (and claim) these rows.
      c.setAutoCommit(false);
      long huge = post(c, list, "DELIVERING");
      long small = post(c, list, "DELIVERING");
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into delivery (post_id, destination, hosts, next_attempt_at)"
                  + " select ?, 'h:25', '{}', now() - interval '1 minute' from generate_series(1, ?)")) {
        ps.setLong(1, huge);
        ps.setInt(2, 300);
        ps.executeUpdate();
        ps.setLong(1, small);
        ps.setInt(2, 1);
        ps.executeUpdate();
      }
      Map<Long, Integer> claimed = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.CLAIM_DUE)) {
        ps.setString(1, "test-owner");
        ps.setDouble(2, 60);
        ps.setInt(3, 20);
        ps.setInt(4, 5);
        ps.setInt(5, 20);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            claimed.merge(rs.getLong(2), 1, Integer::sum);
          }
        }
      }
      assertEquals(1, claimed.getOrDefault(small, 0), "small post claimed in the same round");
      assertEquals(5, claimed.getOrDefault(huge, 0), "huge post bounded per claim");
      c.rollback();
    }
  }

  @Test
  void expiredLeaseIsReclaimedLiveLeaseIsNot() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("lease", "lists.test", null, "POSTER");
    String hosts =
        "{" + sink.nextHop(FanoutTestProfile.HOST_D).replace("[", "").replace("]", "") + "}";
    long expired;
    long live;
    try (Connection c = dataSource.getConnection()) {
      // One transaction: the scheduler's scan closes a DELIVERING post with nothing pending,
      // and would close one seen between its delivery row and its recipient row.
      c.setAutoCommit(false);
      expired = post(c, list, "DELIVERING");
      live = post(c, list, "DELIVERING");
      for (long[] p : new long[][] {{expired, -60}, {live, 3600}}) {
        long delivery;
        try (PreparedStatement ps =
            c.prepareStatement(
                "insert into delivery (post_id, destination, hosts, lease_owner, lease_until)"
                    + " values (?, 'd', ?::text[], 'crashed-instance', now() + make_interval(secs => ?))"
                    + " returning id")) {
          ps.setLong(1, p[0]);
          ps.setString(2, hosts);
          ps.setDouble(3, p[1]);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            delivery = rs.getLong(1);
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "insert into recipient (post_id, delivery_id, email, domain)"
                    + " values (?, ?, ?, 'd.test')")) {
          ps.setLong(1, p[0]);
          ps.setLong(2, delivery);
          ps.setString(3, "lease" + p[0] + "@d.test");
          ps.executeUpdate();
        }
      }
      c.commit();
    }
    db.awaitPost(expired, "DONE", Duration.ofSeconds(20), "expired lease reclaimed");
    assertEquals("DELIVERING", db.postState(live), "a live lease of another instance is respected");
    assertTrue(sink.deliveredRecipients().contains("lease" + expired + "@d.test"));
    assertTrue(!sink.deliveredRecipients().contains("lease" + live + "@d.test"));
    Instant.now();
  }
}
