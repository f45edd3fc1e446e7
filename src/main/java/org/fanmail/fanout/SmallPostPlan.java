package org.fanmail.fanout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fanmail.config.DeliveryConfig.GroupBy;
import org.fanmail.queue.RecipientState;

/**
 * The rows of a small post's expansion, worked out in memory: the same routing, grouping and
 * numbering as the set-based statements of {@link SetBasedQueries}, for a post whose candidates
 * were read in one go (at most a few thousand), so that it is written with one statement instead of
 * a dozen.
 *
 * <p>The rules, as in SQL: the recipients of a domain that can never take mail are FAILED with its
 * reason in one delivery row of their own, DONE from the start (destination: the domain, no hosts,
 * never tried); the others are grouped by {@link Grouper#groupKey}, ordered by domain then address
 * inside their group and cut into chunks of at most {@code maxPerTransaction}, one delivery row per
 * chunk. A group's hosts, and whether it waits for a retry (TEMPORARY: its recipients are DEFERRED
 * with the reason), are those of its first domain in that order. Every recipient is in exactly one
 * delivery row, in RCPT order (domain then address).
 */
final class SmallPostPlan {
  /** A deliverable member: member id (0 for none), address, domain (lower case). */
  record Candidate(long memberId, String email, String domain) {}

  /**
   * How a delivery row starts: due now (PENDING), waiting for a retry because its destination could
   * not be resolved for now (PENDING, its recipients DEFERRED), or DONE at once because its domain
   * can never take mail (its recipients FAILED). Only DUE rows may be handed to the scheduler.
   */
  enum Start {
    DUE,
    DEFERRED,
    FAILED
  }

  /** One delivery row to insert: hosts joined by single spaces (none for DEFERRED and FAILED). */
  record Delivery(String destination, String hosts, Start start, String reason) {
    /** Whether the row is to be sent (PENDING), now or after a retry; FAILED rows are DONE. */
    boolean sent() {
      return start != Start.FAILED;
    }
  }

  /**
   * One recipient, carried by a delivery row: {@code delivery} is the 1-based index into {@link
   * #deliveries}; recipients of one delivery follow each other in its RCPT order.
   */
  record Recipient(
      long memberId,
      String email,
      String domain,
      int delivery,
      RecipientState state,
      String reply) {}

  final List<Delivery> deliveries = new ArrayList<>();
  final List<Recipient> recipients = new ArrayList<>();

  /** The delivery rows that will be sent (PENDING): SMTP transactions, FAILED rows left out. */
  int transactions() {
    return (int) deliveries.stream().filter(Delivery::sent).count();
  }

  private static final Comparator<Candidate> ORDER =
      Comparator.comparing(Candidate::domain).thenComparing(Candidate::email);

  /**
   * Of {@code candidates}, those that fill whole transactions: in each group of domains that can
   * take mail now, the first {@code maxPerTransaction} times n in (domain, email) order, n as many
   * as the group fills. Planned with {@link #of}, they make only full chunks; a group's other
   * members, written later with the rest of its post, then need as many transactions as the whole
   * group would have needed alone, so writing these first costs no transaction.
   */
  static List<Candidate> inFullChunks(
      List<Candidate> candidates,
      Map<String, Destination> destinations,
      GroupBy groupBy,
      int maxPerTransaction) {
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    Map<String, List<Candidate>> groups = new TreeMap<>();
    for (Candidate c : sorted) {
      Destination d = destinations.get(c.domain());
      if (d == null) {
        throw new IllegalArgumentException("no destination for " + c.domain());
      }
      if (d.outcome() == Destination.Outcome.ROUTABLE) {
        groups
            .computeIfAbsent(Grouper.groupKey(c.domain(), d, groupBy), k -> new ArrayList<>())
            .add(c);
      }
    }
    List<Candidate> full = new ArrayList<>();
    for (List<Candidate> members : groups.values()) {
      full.addAll(members.subList(0, members.size() / maxPerTransaction * maxPerTransaction));
    }
    return full;
  }

  /**
   * Plans {@code candidates}; {@code destinations} holds the destination of each of their domains.
   */
  static SmallPostPlan of(
      List<Candidate> candidates,
      Map<String, Destination> destinations,
      GroupBy groupBy,
      int maxPerTransaction) {
    if (maxPerTransaction < 1) {
      throw new IllegalArgumentException("maxPerTransaction must be positive");
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    SmallPostPlan plan = new SmallPostPlan();
    // Group key -> its recipients in (domain, email) order; the first domain seen decides.
    Map<String, List<Candidate>> groups = new TreeMap<>();
    Map<String, Destination> firstOfGroup = new TreeMap<>();
    // Domain that can never take mail -> its recipients in address order.
    Map<String, List<Candidate>> failed = new TreeMap<>();
    for (Candidate c : sorted) {
      Destination d = destinations.get(c.domain());
      if (d == null) {
        throw new IllegalArgumentException("no destination for " + c.domain());
      }
      if (d.outcome() == Destination.Outcome.PERMANENT) {
        failed.computeIfAbsent(c.domain(), k -> new ArrayList<>()).add(c);
        continue;
      }
      String key = Grouper.groupKey(c.domain(), d, groupBy);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      firstOfGroup.putIfAbsent(key, d);
    }
    for (Map.Entry<String, List<Candidate>> g : groups.entrySet()) {
      Destination d = firstOfGroup.get(g.getKey());
      boolean temporary = d.outcome() == Destination.Outcome.TEMPORARY;
      String hosts = String.join(" ", d.hosts().stream().map(HostPort::toString).toList());
      List<Candidate> members = g.getValue();
      for (int from = 0; from < members.size(); from += maxPerTransaction) {
        plan.deliveries.add(
            new Delivery(g.getKey(), hosts, temporary ? Start.DEFERRED : Start.DUE, d.reason()));
        int delivery = plan.deliveries.size();
        for (Candidate c :
            members.subList(from, Math.min(members.size(), from + maxPerTransaction))) {
          plan.recipients.add(
              new Recipient(
                  c.memberId(),
                  c.email(),
                  c.domain(),
                  delivery,
                  temporary ? RecipientState.DEFERRED : RecipientState.PENDING,
                  temporary ? d.reason() : null));
        }
      }
    }
    // One DONE row per domain that can never take mail, after the rows to send.
    for (Map.Entry<String, List<Candidate>> f : failed.entrySet()) {
      String reason = destinations.get(f.getKey()).reason();
      plan.deliveries.add(new Delivery(f.getKey(), "", Start.FAILED, reason));
      int delivery = plan.deliveries.size();
      for (Candidate c : f.getValue()) {
        plan.recipients.add(
            new Recipient(
                c.memberId(), c.email(), c.domain(), delivery, RecipientState.FAILED, reason));
      }
    }
    return plan;
  }
}
