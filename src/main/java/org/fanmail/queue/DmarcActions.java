package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the DMARC decision recorded on a post at expansion ({@code post.dmarc_action}), so that
 * every transaction and retry of the post goes out in the same form. Blocking (JDBC).
 */
@ApplicationScoped
public class DmarcActions {
  private final AgroalDataSource dataSource;

  public DmarcActions(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The stored action name of {@code postId}; null when none was decided or the post is gone. */
  public String of(long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DmarcQueries.LOAD_ACTION)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
