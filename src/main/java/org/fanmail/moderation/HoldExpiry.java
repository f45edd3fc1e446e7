package org.fanmail.moderation;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.fanmail.config.FanmailConfig;
import org.jboss.logging.Logger;

/**
 * Held posts that no moderator decided within {@code fanmail.moderation.hold-expiry} become
 * DISCARDED with reason {@code expired}, in batches of {@value #BATCH}, skipping rows a moderator
 * holds at that moment. The poster is not told: held posts are mostly spam with forged senders, and
 * a notice would be backscatter to innocent addresses (a moderator who wants the poster told
 * rejects with a reason instead).
 */
@ApplicationScoped
public class HoldExpiry {
  private static final Logger LOG = Logger.getLogger(HoldExpiry.class);
  static final int BATCH = 1000;

  /** Batches per scan; the next scan continues. */
  static final int MAX_BATCHES = 100;

  private final AgroalDataSource dataSource;
  private final FanmailConfig config;

  public HoldExpiry(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  @Scheduled(
      every = "${fanmail.moderation.scan-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    try {
      expire();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "hold expiry failed; retried at the next scan");
    }
  }

  /** Discards every held post past the expiry; returns how many. */
  public int expire() throws SQLException {
    int total = 0;
    for (int i = 0; i < MAX_BATCHES; i++) {
      int n = 0;
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(ModerationQueries.EXPIRE_HELD)) {
        ps.setDouble(1, config.moderation().holdExpiry().toMillis() / 1000.0);
        ps.setInt(2, BATCH);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            LOG.infof(
                "post %d on %s: held longer than %s, discarded (expired)",
                rs.getLong(1), rs.getString(2), config.moderation().holdExpiry());
          }
        }
      }
      total += n;
      if (n < BATCH) {
        break;
      }
    }
    return total;
  }
}
