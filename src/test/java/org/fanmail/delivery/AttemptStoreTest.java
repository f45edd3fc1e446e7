package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.fanmail.bounce.BounceScoring;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.queue.DeliveryState;
import org.fanmail.testing.TestMail;
import org.fanmail.tlspolicy.TlsMode;
import org.fanmail.tlspolicy.TlsUse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeliveryStore#begin} reads an attempt's recipients (and the post, with the lease check,
 * when asked), and {@link DeliveryStore#finish} records an attempt's outcomes and closes the
 * delivery row and the post: in one statement for the usual attempt, in a transaction of several
 * when a refusal is scored. Both paths must leave the same rows. The rows are leased to an owner of
 * this test for an hour, and the test holds that owner's instance lock ({@link LiveOwner}), so the
 * running scheduler never claims them nor takes them over.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class AttemptStoreTest {
  private static final String OWNER = "finish-test-owner";
  private static final Instant LATER = Instant.now().plus(1, ChronoUnit.HOURS);

  @Inject AgroalDataSource dataSource;
  @Inject DeliveryStore store;
  @Inject BounceScoring scoring;

  private LiveOwner live;

  @BeforeEach
  void holdTheOwnersLock() throws Exception {
    live = new LiveOwner(dataSource, OWNER);
  }

  @AfterEach
  void releaseTheOwnersLock() throws Exception {
    live.close();
  }

  /** A DELIVERING, expanded post; returns its id. */
  private long post(Connection c, long list) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into post (list_id, list_address, state, envelope_from, raw, size,"
                + " expanded_at) values (?, 'x@lists.test', 'DELIVERING', 'a@b.test', ?, 10,"
                + " now()) returning id")) {
      ps.setLong(1, list);
      ps.setBytes(2, TestMail.message(TestMail.uniqueId(), "x@lists.test", "s", "b\r\n"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A delivery row of the post leased to {@link #OWNER}, with recipients; returns its job. */
  private DeliveryJob delivery(Connection c, long post, String... emails) throws Exception {
    long id;
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into delivery (post_id, destination, hosts, lease_owner, lease_until,"
                + " emails, members) values (?, 'never.test', '{}', ?, now() + interval '1 hour',"
                + " ?, array_fill(0::bigint, array[?])) returning id")) {
      ps.setLong(1, post);
      ps.setString(2, OWNER);
      ps.setArray(3, c.createArrayOf("text", emails));
      ps.setInt(4, emails.length);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    return new DeliveryJob(id, post, "never.test", List.of(), 0);
  }

  /** An outcome decided by {@code reply} as a peer would have written it. */
  private RecipientOutcome outcome(TestMail db, long post, String email, State s, String reply)
      throws Exception {
    RecipientOutcome.Recipient r =
        new RecipientOutcome.Recipient(
            Long.parseLong(db.recipient(post, email, "position")), email);
    return RecipientOutcome.of(r, s, PeerReply.of(reply));
  }

  private String deliveryColumn(TestMail db, DeliveryJob job, String column) throws Exception {
    return db.scalar("select " + column + " from delivery where id = ?", job.deliveryId());
  }

  @Test
  void usualAttemptsCloseTheRowThenThePostOnlyWhenNothingIsOpen() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("finish", "lists.test", null, "POSTER");
    long post;
    DeliveryJob a;
    DeliveryJob b;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = post(c, list);
      a = delivery(c, post, "a1@never.test", "a2@never.test");
      b = delivery(c, post, "b1@never.test");
      c.commit();
    }

    // One delivered, one deferred: the row stays PENDING (due later), the post DELIVERING.
    DeliveryStore.Finished f =
        store.finish(
            a,
            OWNER,
            List.of(
                outcome(db, post, "a1@never.test", State.DELIVERED, "250 ok"),
                outcome(db, post, "a2@never.test", State.DEFERRED, "451 later")),
            List.of(),
            LATER,
            "451 later",
            new TlsUse(TlsMode.MTA_STS, true));
    assertEquals(DeliveryState.PENDING, f.deliveryState());
    assertTrue(f.postDoneReceivedAt().isEmpty());
    assertEquals("DELIVERED", db.recipient(post, "a1@never.test", "state"));
    assertEquals("DEFERRED", db.recipient(post, "a2@never.test", "state"));
    assertEquals("1", db.recipient(post, "a2@never.test", "attempts"));
    assertEquals("1", deliveryColumn(db, a, "attempts"));
    assertNull(deliveryColumn(db, a, "lease_owner"), "the lease is released");
    assertEquals("451 later", deliveryColumn(db, a, "last_reply"));
    assertEquals("MTA_STS", deliveryColumn(db, a, "tls_policy"));
    assertEquals("t", deliveryColumn(db, a, "tls_used"));

    // Another owner's attempt on b: outcomes recorded, the row not touched, nothing closed.
    f =
        store.finish(
            b,
            "someone-else",
            List.of(outcome(db, post, "b1@never.test", State.DEFERRED, "421 busy")),
            List.of(),
            LATER,
            "421 busy",
            null);
    assertNull(f.deliveryState(), "not ours");
    assertEquals("PENDING", deliveryColumn(db, b, "state"));
    assertEquals(OWNER, deliveryColumn(db, b, "lease_owner"));
    assertEquals("DEFERRED", db.recipient(post, "b1@never.test", "state"), "recorded all the same");
    assertEquals("421 busy", db.recipient(post, "b1@never.test", "last_reply"));
    assertEquals("0", deliveryColumn(db, b, "attempts"), "the row's attempt is not counted");

    // b delivered: its row is DONE, the post is not (a is still pending).
    f =
        store.finish(
            b,
            OWNER,
            List.of(outcome(db, post, "b1@never.test", State.DELIVERED, "250 ok")),
            List.of(),
            LATER,
            "250 ok",
            null);
    assertEquals(DeliveryState.DONE, f.deliveryState());
    assertTrue(f.postDoneReceivedAt().isEmpty(), "a is still pending");
    assertEquals("DELIVERING", db.postState(post));

    // a's last recipient fails temporarily-for-good (a 4xx given up): the row and the post close.
    db.scalar(
        "update delivery set lease_owner = 'finish-test-owner',"
            + " lease_until = now() + interval '1 hour' where id = ? returning id",
        a.deliveryId());
    f =
        store.finish(
            a,
            OWNER,
            List.of(
                outcome(db, post, "a2@never.test", State.FAILED, "451 expired"),
                outcome(db, post, "a1@never.test", State.DEFERRED, "421 again")),
            List.of(),
            LATER,
            "451 expired",
            null);
    assertEquals(DeliveryState.DONE, f.deliveryState());
    assertEquals("DELIVERED", db.recipient(post, "a1@never.test", "state"), "decided: kept");
    assertEquals("250 ok", db.recipient(post, "a1@never.test", "last_reply"));
    assertTrue(f.postDoneReceivedAt().isPresent(), "the last open row closes the post");
    assertEquals("DONE", db.postState(post));
    assertEquals("FAILED", db.recipient(post, "a2@never.test", "state"));
    assertEquals("2", deliveryColumn(db, a, "attempts"));
    assertEquals("MTA_STS", deliveryColumn(db, a, "tls_policy"), "no session: the last one kept");
  }

  @Test
  void beginReadsThePostWithTheLeaseCheckUnlessTheLeaseNeedsRenewing() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("begin", "lists.test", "[b]", "POSTER");
    long post;
    DeliveryJob a;
    DeliveryJob empty;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = post(c, list);
      a = delivery(c, post, "z@never.test", "y@never.test");
      empty = delivery(c, post);
      c.commit();
    }
    Duration lease = Duration.ofHours(1);

    DeliveryStore.Attempt got = store.begin(a, OWNER, lease, true).orElseThrow();
    assertEquals(
        List.of("z@never.test", "y@never.test"),
        got.recipients().stream().map(RecipientOutcome.Recipient::email).toList(),
        "open recipients in RCPT order");
    assertEquals(1, got.recipients().get(0).position());
    assertEquals(
        Long.parseLong(db.recipient(post, "y@never.test", "position")),
        got.recipients().get(1).position());
    assertNotNull(got.post(), "read with the lease check");
    assertEquals("begin@lists.test", got.post().address());
    assertEquals("[b]", got.post().subjectPrefix());
    assertEquals(list, got.post().listId());
    assertEquals(
        new String(store.loadPost(post).orElseThrow().raw(), StandardCharsets.UTF_8),
        new String(got.post().raw(), StandardCharsets.UTF_8));

    DeliveryStore.Attempt without = store.begin(a, OWNER, lease, false).orElseThrow();
    assertNull(without.post(), "not asked for");
    assertEquals(got.recipients(), without.recipients());

    assertTrue(store.begin(empty, OWNER, lease, true).orElseThrow().recipients().isEmpty());
    assertTrue(store.begin(a, "someone-else", lease, true).isEmpty(), "not ours");

    // Less than half the lease left: renewed, the recipients read after it, the post not read.
    db.scalar(
        "update delivery set lease_until = now() + interval '10 seconds' where id = ? returning id",
        a.deliveryId());
    DeliveryStore.Attempt renewed = store.begin(a, OWNER, lease, true).orElseThrow();
    assertNull(renewed.post());
    assertEquals(got.recipients(), renewed.recipients());
    assertTrue(
        Double.parseDouble(
                db.scalar(
                    "select extract(epoch from lease_until - now()) from delivery where id = ?",
                    a.deliveryId()))
            > 3000,
        "lease renewed");
  }

  @Test
  void aWholeFirstAttemptWritesItsArraysAndCountsCarriedTries() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("whole", "lists.test", null, "POSTER");
    long post;
    DeliveryJob fresh;
    DeliveryJob moved;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = post(c, list);
      fresh = delivery(c, post, "w1@never.test", "w2@never.test", "w3@never.test");
      moved = delivery(c, post, "m1@never.test", "m2@never.test");
      c.commit();
    }
    // A row the relay fallback wrote carries its recipients' earlier attempts.
    db.scalar("update delivery set tries = '{2,5}' where id = ? returning id", moved.deliveryId());

    DeliveryStore.Finished f =
        store.finish(
            fresh,
            OWNER,
            List.of(
                outcome(db, post, "w1@never.test", State.DELIVERED, "250 one"),
                outcome(db, post, "w2@never.test", State.DEFERRED, "451 busy"),
                outcome(db, post, "w3@never.test", State.DELIVERED, "250 three")),
            List.of(),
            LATER,
            "451 busy",
            null);
    assertEquals(DeliveryState.PENDING, f.deliveryState(), "w2 is still open");
    assertEquals("{DELIVERED,DEFERRED,DELIVERED}", deliveryColumn(db, fresh, "outcomes"));
    assertEquals("{\"250 one\",\"451 busy\",\"250 three\"}", deliveryColumn(db, fresh, "replies"));
    assertEquals("{1,1,1}", deliveryColumn(db, fresh, "tries"));

    // The second attempt has w2 alone: laid over the arrays by the functions.
    db.scalar(
        "update delivery set lease_owner = '"
            + OWNER
            + "', lease_until = now() + interval '1 hour' where id = ? returning id",
        fresh.deliveryId());
    f =
        store.finish(
            fresh,
            OWNER,
            List.of(outcome(db, post, "w2@never.test", State.DELIVERED, "250 two")),
            List.of(),
            LATER,
            "250 two",
            null);
    assertEquals(DeliveryState.DONE, f.deliveryState());
    assertEquals("{DELIVERED,DELIVERED,DELIVERED}", deliveryColumn(db, fresh, "outcomes"));
    assertEquals("{\"250 one\",\"250 two\",\"250 three\"}", deliveryColumn(db, fresh, "replies"));
    assertEquals("{1,2,1}", deliveryColumn(db, fresh, "tries"));

    f =
        store.finish(
            moved,
            OWNER,
            List.of(
                outcome(db, post, "m1@never.test", State.DEFERRED, "451 later"),
                outcome(db, post, "m2@never.test", State.DELIVERED, "250 ok")),
            List.of(),
            LATER,
            "451 later",
            null);
    assertEquals(DeliveryState.PENDING, f.deliveryState(), "m1 is still open");
    assertEquals("{DEFERRED,DELIVERED}", deliveryColumn(db, moved, "outcomes"));
    assertEquals("{\"451 later\",\"250 ok\"}", deliveryColumn(db, moved, "replies"));
    assertEquals("{3,6}", deliveryColumn(db, moved, "tries"), "carried attempts counted on");
    assertEquals("3", db.recipient(post, "m1@never.test", "attempts"));
  }

  @Test
  void aFreshClaimBeginsWithWhatItReadAStaleOneReadsAgain() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("claimed", "lists.test", null, "POSTER");
    long post;
    DeliveryJob row;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = post(c, list);
      row = delivery(c, post, "c1@never.test", "c2@never.test");
      c.commit();
    }
    Duration lease = Duration.ofHours(1);
    Instant received = Instant.EPOCH; // not the post's: tells where the attempt's came from
    List<RecipientOutcome.Recipient> both =
        List.of(
            new RecipientOutcome.Recipient(1, "c1@never.test"),
            new RecipientOutcome.Recipient(2, "c2@never.test"));
    // Since the claim read the row, c1 was delivered (only a takeover race could do this; here
    // it tells which of the two the attempt began with).
    db.scalar(
        "update delivery set outcomes = '{DELIVERED,PENDING}' where id = ? returning id",
        row.deliveryId());

    DeliveryJob claimedNow =
        withClaim(row, new DeliveryJob.Claimed(received, both, System.nanoTime()));
    DeliveryStore.Attempt a = store.begin(claimedNow, OWNER, lease, false).orElseThrow();
    assertEquals(both, a.recipients(), "a fresh claim: no statement, the claim's recipients");
    assertEquals(received, a.receivedAt());
    DeliveryStore noPool = new DeliveryStore(refusingPool(), scoring);
    assertEquals(
        both,
        noPool.begin(claimedNow, OWNER, lease, false).orElseThrow().recipients(),
        "and no connection taken from the pool");
    assertThrows(
        SQLException.class,
        () -> noPool.begin(claimedNow, OWNER, lease, true),
        "the post is wanted: a connection");

    DeliveryJob claimedLongAgo =
        withClaim(
            row, new DeliveryJob.Claimed(received, both, System.nanoTime() - lease.toNanos()));
    a = store.begin(claimedLongAgo, OWNER, lease, false).orElseThrow();
    assertTrue(a.receivedAt().isAfter(received), "the post's, read again");
    assertEquals(
        List.of("c2@never.test"),
        a.recipients().stream().map(RecipientOutcome.Recipient::email).toList(),
        "half the lease may be gone: checked and read again");
    assertTrue(store.begin(claimedLongAgo, "someone-else", lease, false).isEmpty(), "and not ours");

    a = store.begin(claimedNow, OWNER, lease, true).orElseThrow();
    assertNotNull(a.post(), "the post is wanted: read with the lease check");
    assertEquals(1, a.recipients().size(), "and the recipients with it");
  }

  /** A pool that has no connection to give: any borrow fails. */
  private static AgroalDataSource refusingPool() {
    return (AgroalDataSource)
        Proxy.newProxyInstance(
            AgroalDataSource.class.getClassLoader(),
            new Class<?>[] {AgroalDataSource.class},
            (proxy, method, args) -> {
              throw new SQLException("no connection: " + method.getName());
            });
  }

  private static DeliveryJob withClaim(DeliveryJob job, DeliveryJob.Claimed claimed) {
    return new DeliveryJob(
        job.deliveryId(), job.postId(), job.destination(), job.hosts(), job.attempts(), claimed);
  }

  @Test
  void aRefusalTakesTheLongerPathAndEndsTheSame() throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = db.list("finish-refused", "lists.test", null, "POSTER");
    long post;
    DeliveryJob a;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      post = post(c, list);
      a = delivery(c, post, "r1@never.test", "r2@never.test");
      c.commit();
    }
    DeliveryStore.Finished f =
        store.finish(
            a,
            OWNER,
            List.of(
                outcome(db, post, "r1@never.test", State.DELIVERED, "250 ok"),
                outcome(db, post, "r2@never.test", State.FAILED, "550 no such user")),
            List.of(),
            LATER,
            "550 no such user",
            new TlsUse(TlsMode.DANE, false));
    assertEquals(DeliveryState.DONE, f.deliveryState());
    assertTrue(f.postDoneReceivedAt().isPresent());
    assertEquals("DONE", db.postState(post));
    assertEquals("FAILED", db.recipient(post, "r2@never.test", "state"));
    assertEquals("550 no such user", db.recipient(post, "r2@never.test", "last_reply"));
    assertEquals("DANE", deliveryColumn(db, a, "tls_policy"));
    assertEquals("f", deliveryColumn(db, a, "tls_used"));
  }
}
