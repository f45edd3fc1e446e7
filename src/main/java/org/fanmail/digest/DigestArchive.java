package org.fanmail.digest;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.fanmail.queue.RawPurgedException;

/**
 * A list's past issues for REST: pages newest first with their post ids in order, the stored bytes
 * of one form of an issue, and the start of a new volume. Read-only but for the volume, which takes
 * the period lock like an assembly. Throws {@link RawPurgedException} for bytes removed by
 * retention.
 */
@ApplicationScoped
public class DigestArchive {
  private final AgroalDataSource dataSource;

  public DigestArchive(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One issue as the archive shows it ({@code sentAt}: when it was assembled and queued). */
  public record Issue(int volume, int issue, int posts, List<Long> postIds, Instant sentAt) {}

  /** A page of issues and how many there are. */
  public record IssuePage(List<Issue> items, long total) {}

  public IssuePage page(long listId, int page, int size) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(DigestQueries.COUNT_ISSUES)) {
        ps.setLong(1, listId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<Issue> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(DigestQueries.PAGE_ISSUES)) {
        ps.setLong(1, listId);
        ps.setInt(2, size);
        ps.setLong(3, (long) page * size);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Array ids = rs.getArray(5);
            Timestamp at = rs.getTimestamp(4);
            items.add(
                new Issue(
                    rs.getInt(1),
                    rs.getInt(2),
                    rs.getInt(3),
                    Arrays.asList((Long[]) ids.getArray()),
                    at.toInstant()));
          }
        }
      }
      return new IssuePage(items, total);
    }
  }

  /**
   * The stored bytes of the issue's form (plain or MIME); empty when there is no such issue or the
   * form had no members (nothing was written).
   */
  public Optional<byte[]> raw(long listId, int volume, int issue, boolean plain)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DigestQueries.ISSUE_RAW)) {
      ps.setBoolean(1, plain);
      ps.setLong(2, listId);
      ps.setInt(3, volume);
      ps.setInt(4, issue);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp purged = rs.getTimestamp(2);
        if (purged != null) {
          throw new RawPurgedException(rs.getLong(3), purged.toInstant());
        }
        return Optional.ofNullable(rs.getBytes(1));
      }
    }
  }

  /** Starts the next volume at issue 1; returns {volume, next issue}. */
  public int[] nextVolume(long listId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DigestQueries.NEXT_VOLUME)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new int[] {rs.getInt(1), rs.getInt(2)};
      }
    }
  }
}
