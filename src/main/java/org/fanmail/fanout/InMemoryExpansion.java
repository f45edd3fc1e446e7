package org.fanmail.fanout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.InMemoryQueries.SmallPostsWrite;
import org.fanmail.queue.DeliveryHandoff;

/**
 * The expansion of a batch's small posts (at most {@link InMemoryLimit} candidates, most posts):
 * their candidates read with one statement per list (the list id bound as a value, so the plan is
 * an index scan for a small list beside a big one), each post's distinct domains resolved, routed
 * in memory by {@link SmallPostPlan}, and the whole batch written with one statement ({@link
 * InMemoryQueries#WRITE_SMALL_POSTS}), which also moves the posts on. The rows due now are written
 * leased to this instance's scheduler when it has reserved room for all of them ({@link Handover}).
 * A post found to have more candidates is left untouched for the set-based path. A failure is
 * thrown; the batch's transaction rolls back.
 */
final class InMemoryExpansion {
  private final ParallelResolver resolver;
  private final FanmailConfig config;
  private final DeliveryHandoff handoff;

  InMemoryExpansion(ParallelResolver resolver, FanmailConfig config, DeliveryHandoff handoff) {
    this.resolver = resolver;
    this.config = config;
    this.handoff = handoff;
  }

  /** A small post routed: its id and its rows. */
  private record Planned(long postId, SmallPostPlan plan) {}

  /**
   * Expands the posts of {@code posts} with at most {@code limit} candidates in the transaction
   * {@code c}; returns what each of them wrote, in claim order. {@code handover} receives the
   * reservation and the rows written leased.
   */
  Map<Long, Expansion> expand(Connection c, List<ClaimedPost> posts, int limit, Handover handover)
      throws SQLException {
    if (posts.isEmpty() || limit < 0) {
      return Map.of();
    }
    List<Planned> planned = new ArrayList<>();
    for (Map.Entry<Long, List<SmallPostPlan.Candidate>> e :
        candidates(c, posts, limit).entrySet()) {
      if (e.getValue().size() <= limit) {
        planned.add(new Planned(e.getKey(), plan(e.getKey(), e.getValue())));
      }
    }
    if (planned.isEmpty()) {
      return Map.of();
    }
    // The rows due now go to this instance's scheduler without a claim when it has room for all
    // (not those that wait for a retry, nor the DONE rows of domains that can never take mail).
    int due = 0;
    for (Planned p : planned) {
      for (SmallPostPlan.Delivery d : p.plan().deliveries) {
        due += d.start() == SmallPostPlan.Start.DUE ? 1 : 0;
      }
    }
    DeliveryHandoff.Reservation reservation = due > 0 ? handoff.reserve(due) : null;
    handover.reserved(reservation);
    try (PreparedStatement ps = c.prepareStatement(InMemoryQueries.WRITE_SMALL_POSTS)) {
      rows(planned, reservation).bind(ps);
      try (ResultSet leased = ps.executeQuery()) {
        while (leased.next()) {
          handover.written(
              new DeliveryHandoff.LeasedDelivery(
                  leased.getLong(1),
                  leased.getLong(2),
                  leased.getString(3),
                  List.of((String[]) leased.getArray(4).getArray()),
                  leased.getInt(5)));
        }
      }
    }
    Map<Long, Expansion> made = new LinkedHashMap<>();
    for (Planned p : planned) {
      made.put(p.postId(), new Expansion(p.plan().recipients.size(), p.plan().transactions()));
    }
    handover.handed(made.keySet());
    return made;
  }

  /**
   * The candidates of each post, one statement per list (a batch is usually of one or a few lists).
   * A list cut short by the limit (one more than a small post may have, times its posts) is left
   * out: its posts are too big to tell apart here and take the set-based path.
   */
  private static Map<Long, List<SmallPostPlan.Candidate>> candidates(
      Connection c, List<ClaimedPost> posts, int limit) throws SQLException {
    Map<Long, List<ClaimedPost>> byList = new LinkedHashMap<>();
    for (ClaimedPost p : posts) {
      byList.computeIfAbsent(p.listId(), k -> new ArrayList<>()).add(p);
    }
    Map<Long, List<SmallPostPlan.Candidate>> candidates = new LinkedHashMap<>();
    for (Map.Entry<Long, List<ClaimedPost>> list : byList.entrySet()) {
      List<ClaimedPost> ofList = list.getValue();
      int max = (limit + 1) * ofList.size();
      Map<Long, List<SmallPostPlan.Candidate>> found = new LinkedHashMap<>();
      for (ClaimedPost p : ofList) {
        found.put(p.id(), new ArrayList<>());
      }
      int rows = 0;
      try (PreparedStatement ps = c.prepareStatement(InMemoryQueries.SELECT_CANDIDATES_OF_LIST)) {
        ps.setLong(1, list.getKey());
        ps.setArray(2, c.createArrayOf("bigint", ofList.stream().map(ClaimedPost::id).toArray()));
        ps.setInt(3, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            found
                .get(rs.getLong(1))
                .add(new SmallPostPlan.Candidate(rs.getLong(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      if (rows < max) {
        // Not cut short: every post's candidates are all here (and a post of more than the
        // limit is still left to the set-based path).
        candidates.putAll(found);
      }
    }
    return candidates;
  }

  /** Resolves the post's distinct domains (sorted) and routes its candidates. */
  private SmallPostPlan plan(long postId, List<SmallPostPlan.Candidate> candidates) {
    return SmallPostPlan.of(
        candidates,
        resolver.destinationsOf(candidates, postId),
        config.delivery().groupBy(),
        config.delivery().maxRecipientsPerTransaction());
  }

  /**
   * The batch's rows, column by column; a recipient's delivery index counts across the batch's
   * posts (each post's plan counts from 1).
   */
  private SmallPostsWrite rows(List<Planned> planned, DeliveryHandoff.Reservation reservation) {
    int deliveries = 0;
    int recipients = 0;
    for (Planned p : planned) {
      deliveries += p.plan().deliveries.size();
      recipients += p.plan().recipients.size();
    }
    Long[] deliveryPost = new Long[deliveries];
    String[] destination = new String[deliveries];
    String[] hosts = new String[deliveries];
    String[] start = new String[deliveries];
    String[] reason = new String[deliveries];
    Long[] post = new Long[planned.size()];
    Integer[] postDeliveries = new Integer[planned.size()];
    Integer[] delivery = new Integer[recipients];
    Long[] memberId = new Long[recipients];
    String[] email = new String[recipients];
    int d = 0;
    int r = 0;
    for (int p = 0; p < planned.size(); p++) {
      Long postId = planned.get(p).postId();
      SmallPostPlan plan = planned.get(p).plan();
      int offset = d;
      for (SmallPostPlan.Delivery x : plan.deliveries) {
        deliveryPost[d] = postId;
        destination[d] = x.destination();
        hosts[d] = x.hosts();
        start[d] = x.start().name();
        reason[d] = x.reason();
        d++;
      }
      for (SmallPostPlan.Recipient x : plan.recipients) {
        delivery[r] = x.delivery() + offset;
        memberId[r] = x.memberId();
        email[r] = x.email();
        r++;
      }
      post[p] = postId;
      postDeliveries[p] = plan.transactions();
    }
    return new SmallPostsWrite(
        reservation == null ? null : reservation.owner(),
        reservation == null ? 0 : reservation.lease().toMillis() / 1000.0,
        delivery,
        memberId,
        email,
        config.delivery().retrySchedule().get(0).toMillis() / 1000.0,
        deliveryPost,
        destination,
        hosts,
        start,
        reason,
        post,
        postDeliveries);
  }
}
