package org.fanmail.fanout;

import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fanmail.config.FanmailConfig;
import org.fanmail.queue.DeliveriesReady;

/**
 * The first transactions of a large post, written before its members are copied, routed and
 * numbered as a whole (which takes half a second for 100,000 members and seconds for a million):
 * the post's first {@link #CANDIDATES} deliverable members in member-id order are read into memory,
 * their domains resolved, and those that fill whole transactions ({@link
 * SmallPostPlan#inFullChunks}) are written and committed in two slices, the first of at most {@link
 * #FIRST_SLICE} recipients, so that sending starts within milliseconds. A group only part of which
 * is in the head is written with the rest of the post; the head's members are left out of the rest
 * by the resume's anti-join ({@link SlicedQueries#INSERT_REMAINING_CANDIDATES}), so the head
 * changes neither who gets the post nor how many transactions it takes.
 */
final class SlicedHead {
  /** How many members the head reads: about 1 MB of heap. */
  static final int CANDIDATES = 5_000;

  /**
   * The recipients of the head's first commit (one transaction when transactions are larger; the
   * rest of the head is the second).
   */
  static final int FIRST_SLICE = 1_000;

  private final ParallelResolver resolver;
  private final FanmailConfig config;
  private final Event<DeliveriesReady> ready;

  SlicedHead(ParallelResolver resolver, FanmailConfig config, Event<DeliveriesReady> ready) {
    this.resolver = resolver;
    this.config = config;
    this.ready = ready;
  }

  /**
   * Whether {@code listId} has more active members than {@link SlicedExpansion#SLICED_POST}: only
   * then is a head read.
   */
  static boolean largeList(Connection c, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SlicedQueries.LIST_IS_LARGE)) {
      ps.setLong(1, listId);
      ps.setInt(2, SlicedExpansion.SLICED_POST + 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > SlicedExpansion.SLICED_POST;
      }
    }
  }

  /** The post's first {@link #CANDIDATES} deliverable members, in member-id order. */
  static List<SmallPostPlan.Candidate> read(Connection c, long listId, long postId)
      throws SQLException {
    List<SmallPostPlan.Candidate> head = new ArrayList<>(CANDIDATES);
    try (PreparedStatement ps = c.prepareStatement(SlicedQueries.SELECT_HEAD)) {
      ps.setLong(1, listId);
      ps.setLong(2, postId);
      ps.setInt(3, CANDIDATES);
      ps.setFetchSize(CANDIDATES);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          head.add(new SmallPostPlan.Candidate(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return head;
  }

  /** The head's whole transactions, planned (none when no group of the head fills one). */
  SmallPostPlan plan(long postId, List<SmallPostPlan.Candidate> head) {
    Map<String, Destination> destinations = resolver.destinationsOf(head, postId);
    int max = config.delivery().maxRecipientsPerTransaction();
    var groupBy = config.delivery().groupBy();
    return SmallPostPlan.of(
        SmallPostPlan.inFullChunks(head, destinations, groupBy, max), destinations, groupBy, max);
  }

  /**
   * Writes the planned transactions in two commits (the first of at most {@link #FIRST_SLICE}
   * recipients), {@code committed} and {@link DeliveriesReady} after each; the post is DELIVERING
   * from the first.
   *
   * @return the recipients written
   */
  int write(Connection c, long postId, SmallPostPlan plan, Runnable committed) throws SQLException {
    int max = config.delivery().maxRecipientsPerTransaction();
    int first = Math.max(1, FIRST_SLICE / max);
    int deliveries = plan.deliveries.size();
    int written = 0;
    for (int from = 0; from < deliveries; ) {
      int to = from == 0 ? Math.min(first, deliveries) : deliveries;
      written += writeSlice(c, postId, plan, from, to);
      if (from == 0) {
        try (PreparedStatement ps = c.prepareStatement(SlicedQueries.START_SLICES)) {
          ps.setLong(1, postId);
          ps.executeUpdate();
        }
      }
      c.commit();
      committed.run();
      ready.fireAsync(new DeliveriesReady(postId));
      from = to;
    }
    return written;
  }

  /**
   * Deliveries {@code from} (inclusive) to {@code to} (exclusive), each carrying its recipients;
   * returns how many recipients they carry. The head's deliveries are all due now ({@link
   * SmallPostPlan#inFullChunks} keeps only domains that can take mail now).
   */
  private static int writeSlice(Connection c, long postId, SmallPostPlan plan, int from, int to)
      throws SQLException {
    List<SmallPostPlan.Delivery> ds = plan.deliveries.subList(from, to);
    if (ds.stream().anyMatch(d -> d.start() != SmallPostPlan.Start.DUE)) {
      throw new IllegalStateException("a head's deliveries are all due now");
    }
    List<SmallPostPlan.Recipient> rs =
        plan.recipients.stream().filter(r -> r.delivery() > from && r.delivery() <= to).toList();
    String[] destination =
        ds.stream().map(SmallPostPlan.Delivery::destination).toArray(String[]::new);
    String[] hosts = ds.stream().map(SmallPostPlan.Delivery::hosts).toArray(String[]::new);
    Integer[] delivery = rs.stream().map(r -> r.delivery() - from).toArray(Integer[]::new);
    Long[] member = rs.stream().map(SmallPostPlan.Recipient::memberId).toArray(Long[]::new);
    String[] email = rs.stream().map(SmallPostPlan.Recipient::email).toArray(String[]::new);
    try (PreparedStatement ps = c.prepareStatement(SlicedQueries.WRITE_HEAD)) {
      ps.setLong(1, postId);
      ps.setArray(2, c.createArrayOf("integer", delivery));
      ps.setArray(3, c.createArrayOf("bigint", member));
      ps.setArray(4, c.createArrayOf("text", email));
      ps.setArray(5, c.createArrayOf("text", destination));
      ps.setArray(6, c.createArrayOf("text", hosts));
      int written = ps.executeUpdate();
      if (written != ds.size()) {
        throw new IllegalStateException(
            "post " + postId + ": " + written + " of " + ds.size() + " head deliveries written");
      }
    }
    return rs.size();
  }
}
