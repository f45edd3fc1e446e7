package org.fanmail.admin;

import io.agroal.api.AgroalDataSource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.queue.StatusQueries;
import org.fanmail.shaping.SiteState;
import org.fanmail.shaping.Sites;

/**
 * {@code GET /api/queue}: recipients still to deliver (pending, deferred), transactions in flight
 * across all instances, the age of the oldest open work, the 20 destinations with the largest
 * backlog, and the 20 delivery sites with the largest backlog (destinations grouped by site: the
 * domains of one provider together, see {@code /api/destinations}). Read only.
 */
@Path("/api/queue")
@Tag(name = "queue")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {
  private static final int TOP = 20;

  /** One destination's backlog. */
  public record DestinationBacklog(
      String host, long pendingRecipients, long oldestPendingSeconds) {}

  /** One site's backlog: its destinations together, and the site's state now. */
  public record SiteBacklog(
      String site, SiteState state, long pendingRecipients, List<String> destinations) {}

  /** The queue as a whole. */
  public record QueueStatus(
      long pendingRecipients,
      long deferredRecipients,
      long inFlightTransactions,
      long oldestPendingSeconds,
      List<DestinationBacklog> destinations,
      List<SiteBacklog> sites) {}

  private final AgroalDataSource dataSource;
  private final Sites sites;

  public QueueResource(AgroalDataSource dataSource, Sites sites) {
    this.dataSource = dataSource;
    this.sites = sites;
  }

  @GET
  public QueueStatus get() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long pending;
      long deferred;
      long oldest;
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.QUEUE_TOTALS);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        pending = rs.getLong(1);
        deferred = rs.getLong(2);
        oldest = rs.getLong(3);
      }
      long inFlight;
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.IN_FLIGHT);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        inFlight = rs.getLong(1);
      }
      List<DestinationBacklog> top = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.TOP_DESTINATIONS)) {
        ps.setInt(1, TOP);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            top.add(new DestinationBacklog(rs.getString(1), rs.getLong(2), rs.getLong(3)));
          }
        }
      }
      return new QueueStatus(pending, deferred, inFlight, oldest, top, bySite());
    }
  }

  /** The backlog per site, largest first (at most {@link #TOP} sites, 20 destinations each). */
  private List<SiteBacklog> bySite() throws SQLException {
    Map<String, Long> pending = new HashMap<>();
    Map<String, List<String>> destinations = new HashMap<>();
    for (Sites.Backlog b : sites.backlog()) {
      pending.merge(b.site(), b.recipients(), Long::sum);
      List<String> d = destinations.computeIfAbsent(b.site(), k -> new ArrayList<>());
      if (d.size() < TOP && !d.contains(b.destination())) {
        d.add(b.destination());
      }
    }
    Instant now = Instant.now();
    List<SiteBacklog> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : pending.entrySet()) {
      SiteState state = sites.site(e.getKey()).map(s -> s.state(now)).orElse(SiteState.NORMAL);
      out.add(new SiteBacklog(e.getKey(), state, e.getValue(), destinations.get(e.getKey())));
    }
    out.sort(
        Comparator.comparingLong(SiteBacklog::pendingRecipients)
            .reversed()
            .thenComparing(SiteBacklog::site));
    return out.size() > TOP ? out.subList(0, TOP) : out;
  }
}
