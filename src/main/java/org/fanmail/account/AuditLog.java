package org.fanmail.account;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The audit log: who changed what, when. {@link #record} writes one row in its own statement after
 * the change committed (a failed write is the caller's to log: the change stands); {@link #page}
 * reads newest first with optional filters and a keyset cursor. The details are JSON that the
 * writer has already stripped of secrets.
 */
@ApplicationScoped
public class AuditLog {
  public static final int MAX_PAGE = 500;

  private final AgroalDataSource dataSource;

  public AuditLog(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One entry. {@code listAddress} is the list the change concerns, null for global ones. */
  public record Entry(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String listAddress,
      String detailsJson) {}

  /** Which entries a page holds; null fields do not filter. */
  public record Filter(
      String actor, String target, Instant after, Set<String> lists, Long before, int size) {}

  public void record(
      String actor, String action, String target, String listAddress, String detailsJson)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(AuditQueries.INSERT)) {
      ps.setString(1, actor);
      ps.setString(2, action);
      ps.setString(3, target);
      ps.setString(4, listAddress);
      ps.setString(5, detailsJson);
      ps.executeUpdate();
    }
  }

  public List<Entry> page(Filter f) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(AuditQueries.PAGE)) {
      ps.setString(1, f.actor());
      ps.setString(2, f.actor());
      String prefix = f.target() == null ? null : escapeLike(f.target()) + "/%";
      ps.setString(3, f.target());
      ps.setString(4, f.target());
      ps.setString(5, prefix);
      Timestamp after = f.after() == null ? null : Timestamp.from(f.after());
      ps.setTimestamp(6, after);
      ps.setTimestamp(7, after);
      if (f.lists() == null) {
        ps.setNull(8, Types.ARRAY);
        ps.setNull(9, Types.ARRAY);
      } else {
        var lists = c.createArrayOf("text", f.lists().toArray());
        ps.setArray(8, lists);
        ps.setArray(9, lists);
      }
      if (f.before() == null) {
        ps.setNull(10, Types.BIGINT);
        ps.setNull(11, Types.BIGINT);
      } else {
        ps.setLong(10, f.before());
        ps.setLong(11, f.before());
      }
      ps.setInt(12, f.size());
      List<Entry> entries = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          entries.add(
              new Entry(
                  rs.getLong(1),
                  rs.getTimestamp(2).toInstant(),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7)));
        }
      }
      return entries;
    }
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
