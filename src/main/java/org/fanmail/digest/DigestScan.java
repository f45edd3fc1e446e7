package org.fanmail.digest;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The digest trigger: every {@code fanmail.digest.scan-interval} it reads every list whose digests
 * are enabled with its pending posts' count and size (one statement), and assembles the issue of
 * each list whose schedule fired since its period started or whose pending posts reached the
 * threshold. Every instance scans; {@link DigestAssembler} checks the trigger again under the
 * period lock, so two instances write one issue. A failure is logged; the next scan retries.
 */
@ApplicationScoped
public class DigestScan {
  private static final Logger LOG = Logger.getLogger(DigestScan.class);

  private final AgroalDataSource dataSource;
  private final DigestAssembler assembler;

  public DigestScan(AgroalDataSource dataSource, DigestAssembler assembler) {
    this.dataSource = dataSource;
    this.assembler = assembler;
  }

  private record Due(long listId, DigestTrigger trigger) {}

  @Scheduled(
      every = "${fanmail.digest.scan-interval:10s}",
      delayed = "${fanmail.digest.scan-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    try {
      runOnce();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "digest scan failed; retried at the next scan");
    }
  }

  /** One scan: returns how many issues were written. */
  public int runOnce() throws SQLException {
    List<Due> due = new ArrayList<>();
    Instant now = Instant.now();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DigestQueries.SCAN_LISTS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long listId = rs.getLong(1);
        int max = rs.getInt(5);
        Integer maxPosts = rs.wasNull() ? null : max;
        if (DigestSchedules.thresholdReached(
            rs.getLong(6), rs.getLong(7), rs.getInt(4), maxPosts)) {
          due.add(new Due(listId, DigestTrigger.THRESHOLD));
        } else if (DigestSchedules.scheduleDue(
            rs.getString(2), rs.getTimestamp(3).toInstant(), now)) {
          due.add(new Due(listId, DigestTrigger.SCHEDULE));
        }
      }
    }
    int written = 0;
    for (Due d : due) {
      try {
        if (assembler.assemble(d.listId(), d.trigger()).isPresent()) {
          written++;
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warnf(e, "list %d: digest assembly failed; retried at the next scan", d.listId());
      }
    }
    return written;
  }
}
