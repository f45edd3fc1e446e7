package org.fanmail.shaping;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.fanmail.queue.DeliveryQueries;

/**
 * Another fanmail instance as the database sees it: an owner id whose instance lock ({@link
 * DeliveryQueries#TRY_LOCK_INSTANCE}) this object's own connection holds until {@link #kill}, with
 * its own {@link ConnectionSlots}, as a second process would have. {@link #kill} ends its life the
 * way a crash does for the others: the lock is free, nothing is given back.
 */
final class InstanceOwner implements AutoCloseable {
  final String owner;
  final ConnectionSlots slots;
  private final Connection connection;

  InstanceOwner(AgroalDataSource dataSource, String name, Duration lease) throws SQLException {
    this.owner = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.slots = new ConnectionSlots(dataSource, lease);
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

  /** The instance dies: its lock is released (the pooled connection lives on), slots stay. */
  void kill() throws SQLException {
    if (connection.isClosed()) {
      return;
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select pg_advisory_unlock(hashtext('fanmail.instance'), hashtext(?))")) {
      ps.setString(1, owner);
      ps.executeQuery().close();
    } finally {
      connection.close();
    }
  }

  @Override
  public void close() throws SQLException {
    kill();
  }
}
