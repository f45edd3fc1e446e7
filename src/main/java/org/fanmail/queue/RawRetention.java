package org.fanmail.queue;

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
 * Purges the stored bytes of finished posts older than {@code fanmail.retention.raw} ({@link
 * RetentionQueries#PURGE_RAW_BATCH}): every {@code fanmail.retention.scan-interval}, in batches of
 * {@value #BATCH} rows, each its own short transaction, walking the candidates once in id order.
 * Posts in flight are never touched, rows another session holds are skipped until the next run, and
 * a list with its archive on keeps its delivered posts. A failed run is logged and retried at the
 * next; nothing is lost but time. Several instances may run it at once (SKIP LOCKED).
 */
@ApplicationScoped
public class RawRetention {
  private static final Logger LOG = Logger.getLogger(RawRetention.class);

  /** Rows examined per statement: a short transaction, a bounded lock set. */
  static final int BATCH = 1000;

  private final AgroalDataSource dataSource;
  private final FanmailConfig config;

  public RawRetention(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  @Scheduled(
      every = "${fanmail.retention.scan-interval:1h}",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    try {
      int n = purge();
      if (n > 0) {
        LOG.infof(
            "raw bytes of %d finished posts purged (retention %s)", n, config.retention().raw());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "raw retention failed; retried at the next scan");
    }
  }

  /** Purges every post due now; returns how many were purged. */
  public int purge() throws SQLException {
    double seconds = config.retention().raw().toMillis() / 1000.0;
    long last = 0;
    int purged = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RetentionQueries.PURGE_RAW_BATCH)) {
      while (true) {
        ps.setLong(1, last);
        ps.setDouble(2, seconds);
        ps.setInt(3, BATCH);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long highest = rs.getLong(1);
          if (rs.wasNull()) {
            return purged;
          }
          int examined = rs.getInt(2);
          purged += rs.getInt(3);
          last = highest;
          if (examined < BATCH) {
            return purged;
          }
        }
      }
    }
  }
}
