package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.fanmail.config.FanmailConfig;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * The recipients of a domain that can never take mail (NXDOMAIN, null MX) are carried by one
 * delivery row per such domain, DONE from the start: destination the domain, no hosts, never tried
 * nor leased, every outcome FAILED and every reply the reason. The post's other recipients are
 * written in their transactions' rows, PENDING (no outcomes) in RCPT order (domain then address,
 * byte order), or DEFERRED for a domain not resolved for now; a post left with nothing to send is
 * DONE at once. Checked on both paths (in memory and set-based), and on a system post, with domains
 * answered by this test and the expansion's writes rolled back: nothing is delivered.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class UnroutableDomainsTest {
  private static final String NXDOMAIN = "5.1.2 gone.test: NXDOMAIN";
  private static final String NULL_MX = "5.1.10 nullmx.test: null MX";
  private static final String SERVFAIL = "4.4.3 flaky.test: SERVFAIL";
  private static final String SHARED = "127.0.1.1:2525";
  private static final String C_HOST = "127.0.1.2:2525";

  @Inject AgroalDataSource dataSource;
  @Inject FanmailConfig config;
  @Inject Event<DeliveriesReady> ready;

  /** What this test's resolver answers for each domain: a.test and b.test share one host. */
  private static Destination answer(String domain) {
    return switch (domain) {
      case "gone.test" -> Destination.permanent(NXDOMAIN);
      case "nullmx.test" -> Destination.permanent(NULL_MX);
      case "flaky.test" -> Destination.temporary(SERVFAIL);
      case "c.test" -> Destination.of(List.of(HostPort.parse("[127.0.1.2]:2525", 25)));
      default -> Destination.of(List.of(HostPort.parse("[127.0.1.1]:2525", 25)));
    };
  }

  private ParallelResolver resolver() {
    return new ParallelResolver(
        new DestinationResolver(config) {
          @Override
          public Destination resolve(String domain) {
            return answer(domain);
          }

          @Override
          public Optional<Destination> resolveCached(String domain) {
            return Optional.of(answer(domain));
          }
        });
  }

  /** One delivery row as read back. */
  record Row(
      String destination,
      List<String> hosts,
      String state,
      int attempts,
      boolean leased,
      String lastReply,
      List<String> emails,
      List<Long> members,
      List<String> outcomes,
      List<String> replies) {}

  /** A recipient: member id (0 for none), address, domain. */
  record Rcpt(long member, String email, String domain) {}

  /** A list with members of every kind of domain; mixed case, so byte order shows. */
  private long mixedList(TestMail db, String name) throws Exception {
    long list = db.list(name, "lists.test", null, "POSTER");
    db.members(list, "a", "a.test", 9);
    db.member(list, "Zed@a.test", "ACTIVE", "REGULAR");
    db.member(list, "abe@a.test", "ACTIVE", "REGULAR");
    db.members(list, "b", "b.test", 3);
    db.members(list, "c", "c.test", 2);
    db.member(list, "ga@gone.test", "ACTIVE", "REGULAR");
    db.member(list, "Gz@gone.test", "ACTIVE", "REGULAR");
    db.members(list, "g", "gone.test", 11);
    db.members(list, "n", "nullmx.test", 1);
    db.members(list, "f", "flaky.test", 2);
    return list;
  }

  @Test
  void inMemoryAnUnroutableDomainGetsOneDoneRowAndTheOthersArePendingInRcptOrder()
      throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = mixedList(db, "unroutable-mem");
    long goneList = db.list("unroutable-mem-gone", "lists.test", null, "POSTER");
    db.members(goneList, "only", "gone.test", 3);
    RecordingHandoff handoff = new RecordingHandoff();
    ParallelResolver resolver = resolver();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long post = insertPost(c, list, "POST", null);
        long allGone = insertPost(c, goneList, "POST", null);
        Handover handover = new Handover();
        Map<Long, Expansion> made =
            new InMemoryExpansion(resolver, config, handoff)
                .expand(
                    c,
                    List.of(
                        new ClaimedPost(post, list, false, "NONE"),
                        new ClaimedPost(allGone, goneList, false, "NONE")),
                    InMemoryLimit.CANDIDATES,
                    handover);
        // What would be handed to the scheduler after the commit.
        handover.settle(handoff, true);

        List<Row> rows = rows(c, post);
        assertEquals(expected(members(c, list), true), rows);
        // 14 behind the shared host (two transactions), c.test, flaky.test: 4 to send.
        assertEquals(new Expansion(32, 4), made.get(post));
        assertEquals(new Expansion(3, 0), made.get(allGone));
        assertEquals(
            List.of(
                new Row(
                    "gone.test",
                    List.of(),
                    "DONE",
                    0,
                    false,
                    NXDOMAIN,
                    emails(members(c, goneList)),
                    ids(members(c, goneList)),
                    Collections.nCopies(3, "FAILED"),
                    Collections.nCopies(3, NXDOMAIN))),
            rows(c, allGone));
        // Room for the three rows due now, and those three alone handed over.
        assertEquals(List.of(3), handoff.reserved);
        assertEquals(ids(c, post, "state = 'PENDING' and attempts = 0"), handoff.takenIds());
        assertFalse(handoff.cancelled);
        assertPostStates(c, post, allGone);
      } finally {
        c.rollback();
        resolver.close();
      }
    }
  }

  @Test
  void setBasedAnUnroutableDomainGetsOneDoneRowAndTheOthersArePendingInRcptOrder()
      throws Exception {
    TestMail db = new TestMail(dataSource);
    long list = mixedList(db, "unroutable-set");
    long goneList = db.list("unroutable-set-gone", "lists.test", null, "POSTER");
    db.members(goneList, "only", "gone.test", 3);
    ParallelResolver resolver = resolver();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long post = insertPost(c, list, "POST", null);
        long allGone = insertPost(c, goneList, "POST", null);
        // A system post names its recipients; they are not members (member id 0).
        long system =
            insertPost(c, list, "SYSTEM", new String[] {"x@gone.test", "Y@gone.test", "q@c.test"});
        WorkingTables tables = new WorkingTables(resolver, config);
        SetBasedExpansion setBased =
            new SetBasedExpansion(
                tables,
                new SlicedExpansion(
                    dataSource, tables, ready, new SlicedHead(resolver, config, ready)),
                () -> {});
        Expansion made = setBased.expand(c, new ClaimedPost(post, list, false, "NONE"));
        Expansion madeGone = setBased.expand(c, new ClaimedPost(allGone, goneList, false, "NONE"));
        Expansion madeSystem = setBased.expand(c, new ClaimedPost(system, list, true, "NONE"));

        assertEquals(expected(members(c, list), false), rows(c, post));
        assertEquals(new Expansion(32, 4), made);
        assertEquals(new Expansion(3, 0), madeGone);
        assertEquals(
            List.of(
                new Row(
                    "gone.test",
                    List.of(),
                    "DONE",
                    0,
                    false,
                    NXDOMAIN,
                    emails(members(c, goneList)),
                    ids(members(c, goneList)),
                    Collections.nCopies(3, "FAILED"),
                    Collections.nCopies(3, NXDOMAIN))),
            rows(c, allGone));
        assertEquals(new Expansion(3, 1), madeSystem);
        assertEquals(
            List.of(
                new Row(
                    C_HOST,
                    List.of(C_HOST),
                    "PENDING",
                    0,
                    false,
                    null,
                    List.of("q@c.test"),
                    List.of(0L),
                    null,
                    null),
                new Row(
                    "gone.test",
                    List.of(),
                    "DONE",
                    0,
                    false,
                    NXDOMAIN,
                    List.of("Y@gone.test", "x@gone.test"),
                    List.of(0L, 0L),
                    List.of("FAILED", "FAILED"),
                    List.of(NXDOMAIN, NXDOMAIN))),
            rows(c, system));
        assertPostStates(c, post, allGone);
      } finally {
        c.rollback();
        resolver.close();
      }
    }
  }

  /**
   * The rows expected of {@link #mixedList}'s post: each chunk of at most ten in (domain, address)
   * byte order; the rows to send leased when {@code leased} (not the deferred one).
   */
  private static List<Row> expected(List<Rcpt> members, boolean leased) {
    List<Rcpt> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(Rcpt::domain).thenComparing(Rcpt::email));
    List<Rcpt> shared =
        sorted.stream()
            .filter(r -> r.domain().equals("a.test") || r.domain().equals("b.test"))
            .toList();
    assertEquals(14, shared.size());
    List<Rcpt> first = shared.subList(0, 10);
    List<Rcpt> second = shared.subList(10, 14);
    // Byte order: upper case first, and the first transaction ends inside a.test.
    assertEquals("Zed@a.test", first.get(0).email());
    assertEquals(List.of("abe@a.test", "b1@b.test", "b2@b.test", "b3@b.test"), emails(second));
    List<Rcpt> cTest = of(sorted, "c.test");
    List<Rcpt> flaky = of(sorted, "flaky.test");
    List<Rcpt> gone = of(sorted, "gone.test");
    List<Rcpt> nullMx = of(sorted, "nullmx.test");
    assertEquals(
        List.of("Gz@gone.test", "g10@gone.test", "g11@gone.test", "g1@gone.test"),
        emails(gone).subList(0, 4));
    assertEquals("ga@gone.test", gone.get(gone.size() - 1).email());
    return List.of(
        pending(SHARED, first, leased),
        pending(SHARED, second, leased),
        pending(C_HOST, cTest, leased),
        new Row(
            "flaky.test",
            List.of(),
            "PENDING",
            1,
            false,
            SERVFAIL,
            emails(flaky),
            ids(flaky),
            Collections.nCopies(2, "DEFERRED"),
            Collections.nCopies(2, SERVFAIL)),
        failed("gone.test", gone, NXDOMAIN),
        failed("nullmx.test", nullMx, NULL_MX));
  }

  private static Row pending(String host, List<Rcpt> rcpts, boolean leased) {
    return new Row(
        host, List.of(host), "PENDING", 0, leased, null, emails(rcpts), ids(rcpts), null, null);
  }

  private static Row failed(String domain, List<Rcpt> rcpts, String reason) {
    return new Row(
        domain,
        List.of(),
        "DONE",
        0,
        false,
        reason,
        emails(rcpts),
        ids(rcpts),
        Collections.nCopies(rcpts.size(), "FAILED"),
        Collections.nCopies(rcpts.size(), reason));
  }

  private static List<Rcpt> of(List<Rcpt> sorted, String domain) {
    return sorted.stream().filter(r -> r.domain().equals(domain)).toList();
  }

  private static List<String> emails(List<Rcpt> rcpts) {
    return rcpts.stream().map(Rcpt::email).toList();
  }

  private static List<Long> ids(List<Rcpt> rcpts) {
    return rcpts.stream().map(Rcpt::member).toList();
  }

  /** The post's delivery rows, by destination then first address, byte order. */
  private static List<Row> rows(Connection c, long post) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select destination, hosts, state, attempts, lease_owner is not null,"
                + " last_reply, emails, members, outcomes, replies,"
                + " lease_until is null = (lease_owner is null), next_attempt_at <= now()"
                + " from delivery where post_id = ?"
                + " order by destination collate \"C\", emails[1] collate \"C\"")) {
      ps.setLong(1, post);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Row row =
              new Row(
                  rs.getString(1),
                  list(rs.getArray(2)),
                  rs.getString(3),
                  rs.getInt(4),
                  rs.getBoolean(5),
                  rs.getString(6),
                  list(rs.getArray(7)),
                  list(rs.getArray(8)),
                  list(rs.getArray(9)),
                  list(rs.getArray(10)));
          assertEquals(true, rs.getBoolean(11), "a lease has an owner and an end: " + row);
          // Only the deferred row waits; a DONE row is due now, as a row never tried.
          assertEquals(row.attempts() == 0, rs.getBoolean(12), "next attempt of " + row);
          rows.add(row);
        }
      }
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Array a) throws Exception {
    return a == null ? null : (List<T>) Arrays.asList((Object[]) a.getArray());
  }

  /** The list's deliverable members (all of them, here). */
  private static List<Rcpt> members(Connection c, long list) throws Exception {
    List<Rcpt> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("select id, email, domain from member where list_id = ?")) {
      ps.setLong(1, list);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Rcpt(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  private static List<Long> ids(Connection c, long post, String where) throws Exception {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id from delivery where post_id = ? and " + where + " order by id")) {
      ps.setLong(1, post);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  /**
   * The post with something to send is DELIVERING, the one whose every recipient failed is DONE;
   * both expanded. The recipient view reads the same recipients.
   */
  private static void assertPostStates(Connection c, long post, long allGone) throws Exception {
    assertEquals("DELIVERING", one(c, "select state from post where id = ?", post));
    assertEquals("DONE", one(c, "select state from post where id = ?", allGone));
    assertNotNull(one(c, "select done_at from post where id = ?", allGone));
    for (long p : List.of(post, allGone)) {
      assertNotNull(one(c, "select expanded_at from post where id = ?", p));
    }
    assertEquals(
        "DEFERRED=2 FAILED=14 PENDING=16",
        one(
            c,
            "select string_agg(state || '=' || n, ' ' order by state) from (select state,"
                + " count(*) n from recipient where post_id = ? group by state) x",
            post));
  }

  private static String one(Connection c, String sql, long id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** A post of {@code list}, ACCEPTED, in {@code c}'s transaction (so no scan claims it). */
  private static long insertPost(Connection c, long list, String purpose, String[] addressedTo)
      throws Exception {
    byte[] raw = TestMail.message(TestMail.uniqueId(), "unroutable@lists.test", "U", "u\r\n");
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into post (list_id, list_address, state, envelope_from, raw, size, purpose,"
                + " addressed_to) values (?, 'unroutable@lists.test', 'ACCEPTED',"
                + " 'poster@example.test', ?, ?, ?, ?) returning id")) {
      ps.setLong(1, list);
      ps.setBytes(2, raw);
      ps.setInt(3, raw.length);
      ps.setString(4, purpose);
      ps.setArray(5, addressedTo == null ? null : c.createArrayOf("text", addressedTo));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A scheduler with room for everything, which records what it is given. */
  static final class RecordingHandoff implements DeliveryHandoff {
    final List<Integer> reserved = new ArrayList<>();
    final List<LeasedDelivery> taken = new ArrayList<>();
    boolean cancelled;

    @Override
    public Reservation reserve(int rows) {
      reserved.add(rows);
      return new Reservation("unroutable-test", rows, Duration.ofSeconds(60));
    }

    @Override
    public void take(Reservation r, List<LeasedDelivery> rows) {
      taken.addAll(rows);
    }

    @Override
    public void cancel(Reservation r) {
      cancelled = true;
    }

    List<Long> takenIds() {
      return taken.stream().map(LeasedDelivery::deliveryId).sorted().collect(Collectors.toList());
    }
  }
}
