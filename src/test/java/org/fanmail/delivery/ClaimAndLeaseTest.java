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
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.DeliveryQueries;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claiming: fairness between a huge post and a small one, leases that expire, and leases of dead
 * instances (their instance lock free) taken over at once while live instances keep theirs.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ClaimAndLeaseTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  @Inject AgroalDataSource dataSource;
  @Inject InstanceLock lock;

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
  void aClaimReadsWhatTheRowsFirstAttemptBeginsWith() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("claimread", "lists.test", null, "POSTER");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // uncommitted: the running scheduler cannot claim the row
      long post = post(c, list, "DELIVERING");
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into delivery (post_id, destination, hosts, next_attempt_at, emails,"
                  + " members, outcomes) values (?, 'h:25', '{}', now() - interval '1 minute',"
                  + " '{r1@d.test,r2@d.test,r3@d.test}', '{7,0,9}',"
                  + " '{DELIVERED,DEFERRED,PENDING}')")) {
        ps.setLong(1, post);
        ps.executeUpdate();
      }
      Timestamp received;
      try (PreparedStatement ps = c.prepareStatement("select received_at from post where id = ?")) {
        ps.setLong(1, post);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          received = rs.getTimestamp(1);
        }
      }
      List<RecipientOutcome.Recipient> open = null;
      try (PreparedStatement ps = c.prepareStatement(DeliveryQueries.CLAIM_DUE)) {
        ps.setString(1, "test-owner");
        ps.setDouble(2, 60);
        ps.setInt(3, 1000);
        ps.setInt(4, 1000);
        ps.setInt(5, 1000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(2) == post) {
              assertEquals(received, rs.getTimestamp(6), "the post's received_at");
              open = AttemptReads.openRecipients(rs, 7);
            }
          }
        }
      }
      assertEquals(
          List.of(
              new RecipientOutcome.Recipient(2, "r2@d.test", 0),
              new RecipientOutcome.Recipient(3, "r3@d.test", 9)),
          open,
          "the open recipients, at their positions, with their members");
      c.rollback();
    }
  }

  /**
   * A DELIVERING post with one delivery row to the sink leased to {@code owner} for {@code secs}
   * seconds (negative: expired) and one recipient {@code lease<post>@d.test}; returns the post.
   */
  private long leasedPost(Connection c, long list, String hosts, String owner, double secs)
      throws Exception {
    long post = post(c, list, "DELIVERING");
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into delivery (post_id, destination, hosts, lease_owner, lease_until,"
                + " emails, members)"
                + " values (?, 'd', ?::text[], ?, now() + make_interval(secs => ?),"
                + " array[?], '{0}')")) {
      ps.setLong(1, post);
      ps.setString(2, hosts);
      ps.setString(3, owner);
      ps.setDouble(4, secs);
      ps.setString(5, "lease" + post + "@d.test");
      ps.executeUpdate();
    }
    return post;
  }

  private static String sinkHosts(SmtpSink sink) {
    return "{" + sink.nextHop(FanoutTestProfile.HOST_D).replace("[", "").replace("]", "") + "}";
  }

  @Test
  void expiredLeaseIsReclaimedLiveLeaseIsNot() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("lease", "lists.test", null, "POSTER");
    String hosts = sinkHosts(sink);
    long expired;
    long live;
    // The live lease's instance is alive: its lock is held (by this test).
    try (LiveOwner alive = new LiveOwner(dataSource, "live-instance-" + UUID.randomUUID())) {
      try (Connection c = dataSource.getConnection()) {
        // One transaction: the scheduler's scan closes a DELIVERING post with nothing pending,
        // and would close one seen between its delivery row and its recipient row.
        c.setAutoCommit(false);
        expired = leasedPost(c, list, hosts, "crashed-instance", -60);
        live = leasedPost(c, list, hosts, alive.owner, 3600);
        c.commit();
      }
      db.awaitPost(expired, "DONE", Duration.ofSeconds(20), "expired lease reclaimed");
      assertEquals(
          "DELIVERING", db.postState(live), "a live lease of another instance is respected");
    }
    assertTrue(sink.deliveredRecipients().contains("lease" + expired + "@d.test"));
    assertTrue(!sink.deliveredRecipients().contains("lease" + live + "@d.test"));
  }

  /**
   * Rows leased for an hour by instances whose lock is free (dead) are taken over within a few
   * scans and delivered; rows leased for an hour by instances whose lock is held (alive, here by
   * this test's connections) are left alone. Owners are picked with negative and positive lock keys
   * ({@code hashtext}), since {@code pg_locks} shows the key as an unsigned oid.
   */
  @Test
  void deadInstancesRowsAreTakenOverAtOnceLiveOnesAreNot() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("takeover", "lists.test", null, "POSTER");
    String hosts = sinkHosts(sink);
    String tag = UUID.randomUUID().toString();
    List<String> deadOwners =
        List.of(ownerWithKey(db, "dead-" + tag, -1), ownerWithKey(db, "dead-" + tag, 1));
    List<String> liveOwners =
        List.of(ownerWithKey(db, "live-" + tag, -1), ownerWithKey(db, "live-" + tag, 1));
    List<Long> dead = new ArrayList<>();
    List<Long> live = new ArrayList<>();
    try (LiveOwner a = new LiveOwner(dataSource, liveOwners.get(0));
        LiveOwner b = new LiveOwner(dataSource, liveOwners.get(1))) {
      long started = System.nanoTime();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        for (String o : deadOwners) {
          dead.add(leasedPost(c, list, hosts, o, 3600));
        }
        for (String o : liveOwners) {
          live.add(leasedPost(c, list, hosts, o, 3600));
        }
        c.commit();
      }
      for (long p : dead) {
        db.awaitPost(
            p,
            "DONE",
            Duration.ofSeconds(20),
            "a dead instance's row (leased for an hour) taken over and delivered");
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("dead instances' rows delivered %.1f s after they were written%n", seconds);
      assertTrue(seconds < 10, "taken over within 10 s, not " + seconds);
      for (int i = 0; i < live.size(); i++) {
        assertEquals("DELIVERING", db.postState(live.get(i)), "a live instance's row is left");
        assertEquals(
            liveOwners.get(i),
            db.scalar("select lease_owner from delivery where post_id = ?", live.get(i)),
            "still leased to its live owner");
      }
    }
    for (long p : dead) {
      assertTrue(sink.deliveredRecipients().contains("lease" + p + "@d.test"));
    }
    for (long p : live) {
      assertTrue(!sink.deliveredRecipients().contains("lease" + p + "@d.test"));
    }
  }

  /** This instance holds its own lock, and takes it again after its session is killed. */
  @Test
  void theInstanceHoldsItsLockAndTakesItAgainWhenItsSessionEnds() throws Exception {
    TestMail db = new TestMail(dataSource);
    assertTrue(lock.held());
    String pid = lockHolder(db, lock.owner());
    assertTrue(pid != null, "the instance's lock is in pg_locks");
    db.scalar("select pg_terminate_backend(?::int)::text", pid);
    // The next scan finds its session gone and takes the lock again on a new one.
    assertTrue(
        Await.until(
            Duration.ofSeconds(20),
            () -> {
              try {
                String now = lockHolder(db, lock.owner());
                return now != null && !now.equals(pid) && lock.held();
              } catch (Exception e) {
                return false;
              }
            }),
        "lock taken again");
  }

  /** The backend pid holding {@code owner}'s instance lock, or null. */
  private static String lockHolder(TestMail db, String owner) throws Exception {
    return db.scalar(
        "select pid::text from pg_locks where locktype = 'advisory' and granted and objsubid = 2"
            + " and classid = hashtext('fanmail.instance')::oid and objid = hashtext(?)::oid",
        owner);
  }

  /** {@code prefix-N} for the first N whose lock key has the sign of {@code sign}. */
  private static String ownerWithKey(TestMail db, String prefix, int sign) throws Exception {
    for (int n = 0; ; n++) {
      String owner = prefix + "-" + n;
      if (Integer.signum(Integer.parseInt(db.scalar("select hashtext(?)::text", owner))) == sign) {
        return owner;
      }
    }
  }
}
