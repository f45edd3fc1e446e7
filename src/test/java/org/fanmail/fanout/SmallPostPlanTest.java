package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fanmail.config.DeliveryConfig.GroupBy;
import org.fanmail.fanout.SmallPostPlan.Candidate;
import org.fanmail.fanout.SmallPostPlan.Delivery;
import org.fanmail.fanout.SmallPostPlan.Recipient;
import org.fanmail.fanout.SmallPostPlan.Start;
import org.fanmail.queue.RecipientState;
import org.junit.jupiter.api.Test;

/** The in-memory routing of a small post: the rules the set-based statements follow, row by row. */
class SmallPostPlanTest {
  private static final Destination SHARED =
      Destination.of(List.of(HostPort.parse("[127.0.1.1]:2525", 25)));
  private static final Destination OTHER =
      Destination.of(
          List.of(HostPort.parse("[127.0.1.2]:2525", 25), HostPort.parse("[127.0.1.3]:25", 25)));

  private static List<Candidate> members(String prefix, String domain, int count) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(new Candidate(i, prefix + i + "@" + domain, domain));
    }
    return out;
  }

  @Test
  void domainsBehindOneHostShareChunksInDomainThenAddressOrder() {
    List<Candidate> all = new ArrayList<>();
    all.addAll(members("b", "b.test", 3));
    all.addAll(members("a", "a.test", 4));
    all.addAll(members("c", "c.test", 2));
    SmallPostPlan plan =
        SmallPostPlan.of(
            all, Map.of("a.test", SHARED, "b.test", SHARED, "c.test", OTHER), GroupBy.host, 3);

    // 127.0.1.1 carries a.test (4) and b.test (3): ceil(7/3) = 3 chunks; 127.0.1.2 one.
    assertEquals(
        List.of(
            new Delivery("127.0.1.1:2525", "127.0.1.1:2525", Start.DUE, null),
            new Delivery("127.0.1.1:2525", "127.0.1.1:2525", Start.DUE, null),
            new Delivery("127.0.1.1:2525", "127.0.1.1:2525", Start.DUE, null),
            new Delivery("127.0.1.2:2525", "127.0.1.2:2525 127.0.1.3:25", Start.DUE, null)),
        plan.deliveries);
    assertEquals(
        List.of(
            "a1@a.test:1",
            "a2@a.test:1",
            "a3@a.test:1",
            "a4@a.test:2",
            "b1@b.test:2",
            "b2@b.test:2",
            "b3@b.test:3",
            "c1@c.test:4",
            "c2@c.test:4"),
        plan.recipients.stream().map(r -> r.email() + ":" + r.delivery()).toList());
    assertEquals(
        List.of(RecipientState.PENDING),
        plan.recipients.stream().map(Recipient::state).distinct().toList());
  }

  @Test
  void byDomainEveryDomainIsItsOwnGroup() {
    List<Candidate> all = new ArrayList<>(members("a", "a.test", 2));
    all.addAll(members("b", "b.test", 2));
    SmallPostPlan plan =
        SmallPostPlan.of(all, Map.of("a.test", SHARED, "b.test", SHARED), GroupBy.domain, 10);
    assertEquals(
        List.of("a.test", "b.test"), plan.deliveries.stream().map(Delivery::destination).toList());
  }

  /**
   * The recipients of a domain that can never take mail are FAILED at once, carried by a delivery
   * row of their own per domain that is never sent (DONE from the start): not a transaction.
   */
  @Test
  void aDomainThatCanNeverTakeMailFailsAtOnceInADoneDeliveryOfItsOwn() {
    List<Candidate> all = new ArrayList<>(members("x", "gone.test", 2));
    all.addAll(members("c", "c.test", 1));
    all.addAll(members("n", "nullmx.test", 1));
    SmallPostPlan plan =
        SmallPostPlan.of(
            all,
            Map.of(
                "gone.test",
                Destination.permanent("5.1.2 gone.test: NXDOMAIN"),
                "nullmx.test",
                Destination.permanent("5.1.10 nullmx.test: null MX"),
                "c.test",
                OTHER),
            GroupBy.host,
            10);
    assertEquals(
        List.of(
            new Delivery("127.0.1.2:2525", "127.0.1.2:2525 127.0.1.3:25", Start.DUE, null),
            new Delivery("gone.test", "", Start.FAILED, "5.1.2 gone.test: NXDOMAIN"),
            new Delivery("nullmx.test", "", Start.FAILED, "5.1.10 nullmx.test: null MX")),
        plan.deliveries);
    assertEquals(1, plan.transactions());
    assertEquals(
        List.of(
            new Recipient(1, "c1@c.test", "c.test", 1, RecipientState.PENDING, null),
            new Recipient(
                1,
                "x1@gone.test",
                "gone.test",
                2,
                RecipientState.FAILED,
                "5.1.2 gone.test: NXDOMAIN"),
            new Recipient(
                2,
                "x2@gone.test",
                "gone.test",
                2,
                RecipientState.FAILED,
                "5.1.2 gone.test: NXDOMAIN"),
            new Recipient(
                1,
                "n1@nullmx.test",
                "nullmx.test",
                3,
                RecipientState.FAILED,
                "5.1.10 nullmx.test: null MX")),
        plan.recipients);
  }

  @Test
  void aPostWhoseEveryDomainFailsHasNoTransaction() {
    SmallPostPlan plan =
        SmallPostPlan.of(
            members("x", "gone.test", 3),
            Map.of("gone.test", Destination.permanent("5.1.2 gone.test: NXDOMAIN")),
            GroupBy.host,
            2);
    // One row for the domain, however many recipients: it is never cut into transactions.
    assertEquals(
        List.of(new Delivery("gone.test", "", Start.FAILED, "5.1.2 gone.test: NXDOMAIN")),
        plan.deliveries);
    assertEquals(0, plan.transactions());
    assertEquals(List.of(1), plan.recipients.stream().map(Recipient::delivery).distinct().toList());
  }

  @Test
  void aDomainNotResolvedForNowWaitsDeferredWithItsReason() {
    SmallPostPlan plan =
        SmallPostPlan.of(
            members("f", "flaky.test", 3),
            Map.of("flaky.test", Destination.temporary("4.4.3 flaky.test: SERVFAIL")),
            GroupBy.host,
            2);
    assertEquals(
        List.of(
            new Delivery("flaky.test", "", Start.DEFERRED, "4.4.3 flaky.test: SERVFAIL"),
            new Delivery("flaky.test", "", Start.DEFERRED, "4.4.3 flaky.test: SERVFAIL")),
        plan.deliveries);
    assertEquals(
        List.of("DEFERRED 4.4.3 flaky.test: SERVFAIL"),
        plan.recipients.stream().map(r -> r.state() + " " + r.reply()).distinct().toList());
  }

  /**
   * A large post's head (issue 19): only what fills whole transactions of groups that can take mail
   * now, so that writing it first costs no transaction.
   */
  @Test
  void theHeadOfALargePostIsOnlyItsWholeTransactions() {
    List<Candidate> all = new ArrayList<>();
    all.addAll(members("b", "b.test", 3));
    all.addAll(members("a", "a.test", 4));
    all.addAll(members("c", "c.test", 2));
    all.addAll(members("g", "gone.test", 5));
    all.addAll(members("f", "flaky.test", 3));
    Map<String, Destination> destinations =
        Map.of(
            "a.test", SHARED,
            "b.test", SHARED,
            "c.test", OTHER,
            "gone.test", Destination.permanent("5.1.2 gone.test: NXDOMAIN"),
            "flaky.test", Destination.temporary("4.4.3 flaky.test: SERVFAIL"));

    // 127.0.1.1: a.test (4) and b.test (3) fill two transactions of 3; 127.0.1.2 (2) none; the
    // domain that can never take mail and the one not resolved for now are left to the rest.
    List<Candidate> head = SmallPostPlan.inFullChunks(all, destinations, GroupBy.host, 3);
    assertEquals(
        List.of("a1@a.test", "a2@a.test", "a3@a.test", "a4@a.test", "b1@b.test", "b2@b.test"),
        head.stream().map(Candidate::email).toList());
    SmallPostPlan plan = SmallPostPlan.of(head, destinations, GroupBy.host, 3);
    assertEquals(2, plan.deliveries.size());
    assertEquals(
        List.of(Start.DUE), plan.deliveries.stream().map(Delivery::start).distinct().toList());
    assertEquals(List.of(), SmallPostPlan.inFullChunks(all, destinations, GroupBy.host, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> SmallPostPlan.inFullChunks(all, Map.of("a.test", SHARED), GroupBy.host, 3));
  }

  @Test
  void noCandidatesNoRows() {
    SmallPostPlan plan = SmallPostPlan.of(List.of(), Map.of(), GroupBy.host, 10);
    assertEquals(List.of(), plan.deliveries);
    assertEquals(List.of(), plan.recipients);
  }

  @Test
  void aDomainWithoutADestinationIsAnErrorNotASilentDrop() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SmallPostPlan.of(members("a", "a.test", 1), Map.of(), GroupBy.host, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> SmallPostPlan.of(List.of(), Map.of(), GroupBy.host, 0));
  }
}
