package org.fanmail.tlspolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * MTA-STS policies kept in the database so that they survive a restart (RFC 8461 section 5). A read
 * or write that fails is logged and ignored: the memory cache and a fresh fetch still work, so a
 * database outage never stops a delivery here (it stops them elsewhere anyway).
 */
final class MtaStsStore {
  private static final Logger LOG = Logger.getLogger(MtaStsStore.class);

  /** A stored policy: the TXT id it was fetched under, its text, when it expires. */
  record Stored(String id, String body, Instant expires) {}

  private final DataSource dataSource;

  MtaStsStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  Optional<Stored> load(String domain) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(MtaStsQueries.LOAD)) {
      ps.setString(1, domain);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new Stored(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
            : Optional.empty();
      }
    } catch (SQLException e) {
      LOG.warnf("MTA-STS policy of %s not read from the database: %s", domain, e.getMessage());
      return Optional.empty();
    }
  }

  void save(String domain, String id, String body, Instant fetched, Instant expires) {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(MtaStsQueries.SAVE)) {
        ps.setString(1, domain);
        ps.setString(2, id);
        ps.setString(3, body);
        ps.setTimestamp(4, Timestamp.from(fetched));
        ps.setTimestamp(5, Timestamp.from(expires));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(MtaStsQueries.PURGE_EXPIRED)) {
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      LOG.warnf("MTA-STS policy of %s not saved: %s", domain, e.getMessage());
    }
  }
}
