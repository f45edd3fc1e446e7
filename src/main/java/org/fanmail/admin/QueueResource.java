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
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.queue.StatusQueries;

/**
 * {@code GET /api/queue}: recipients still to deliver (pending, deferred), transactions in flight
 * across all instances, the age of the oldest open work, and the 20 destinations with the largest
 * backlog. Read only.
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

  /** The queue as a whole. */
  public record QueueStatus(
      long pendingRecipients,
      long deferredRecipients,
      long inFlightTransactions,
      long oldestPendingSeconds,
      List<DestinationBacklog> destinations) {}

  private final AgroalDataSource dataSource;

  public QueueResource(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
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
      return new QueueStatus(pending, deferred, inFlight, oldest, top);
    }
  }
}
