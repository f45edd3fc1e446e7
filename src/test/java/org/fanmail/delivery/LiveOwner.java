package org.fanmail.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.fanmail.queue.DeliveryQueries;

/**
 * A lease owner that looks alive to every instance: the test's own connection holds its instance
 * lock ({@link DeliveryQueries#TRY_LOCK_INSTANCE}) until {@link #close}. Rows leased to an owner
 * without one are taken over by the running scheduler within a scan ({@link InstanceLock}).
 */
final class LiveOwner implements AutoCloseable {
  final String owner;
  private final Connection connection;

  LiveOwner(DataSource dataSource, String owner) throws SQLException {
    this.owner = owner;
    this.connection = dataSource.getConnection();
    try (PreparedStatement ps = connection.prepareStatement(DeliveryQueries.TRY_LOCK_INSTANCE)) {
      ps.setString(1, owner);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          connection.close();
          throw new IllegalStateException("the instance lock of " + owner + " is held elsewhere");
        }
      }
    }
  }

  /** Ends the owner's life: its session lock is released (the pooled connection lives on). */
  @Override
  public void close() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select pg_advisory_unlock(hashtext('fanmail.instance'), hashtext(?))")) {
      ps.setString(1, owner);
      ps.executeQuery().close();
    } finally {
      connection.close();
    }
  }
}
