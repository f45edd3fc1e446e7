package org.fanmail.delivery;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import org.fanmail.queue.DeliveryQueries;
import org.jboss.logging.Logger;
import org.postgresql.Driver;

/**
 * This process's lease-owner id and the PostgreSQL session advisory lock that proves it alive, so
 * that the rows a dead instance leased are taken over within seconds instead of when their lease
 * runs out ({@code fanmail.delivery.lease}, minutes). The lock ({@link
 * DeliveryQueries#TRY_LOCK_INSTANCE}) is held on one connection kept for the life of the process;
 * the session ends when the process dies (the server reads EOF on its socket at once after a kill
 * -9; a vanished host is noticed through the keepalives set on that session), and with it the lock.
 * A lease whose owner's lock is free is dead: {@link #takeOverDeadLeases} releases those rows in
 * one statement, so any instance's next claim takes them. Live instances keep their long leases.
 *
 * <p>If the lock connection breaks while the process lives, the lock is gone too and another
 * instance may now release our leases at any moment. So {@link #held} turns false at the first
 * failure, and the scheduler claims nothing and accepts no hand-off until the lock is taken again
 * (under the same id: rows still leased to us stay ours, rows released meanwhile are claimed by
 * whoever comes first). Rows already in our memory keep going: every write on them checks {@code
 * lease_owner}, so one taken over meanwhile is dropped at its next lease check, and at worst the
 * transaction in flight on it is sent twice, as after a crash. Between the break and its detection
 * (the next check, a few seconds) we may still claim; the same bound holds. If the old session
 * lingers on the server, the lock cannot be re-taken until it ends, and our leases are protected by
 * it until then.
 *
 * <p>The id is {@code pid@host-random}, new at every start; the lock key is its {@code hashtext},
 * so two live instances could in theory share a key (one chance in 2^32 a pair): at start a taken
 * key means another id is drawn; a re-take that keeps failing only keeps this instance from
 * claiming (logged), and a dead instance sharing a live one's key has its rows wait for the lease,
 * as before this lock. Leases written by a version without this lock look dead and are taken over.
 */
@ApplicationScoped
public class InstanceLock {
  private static final Logger LOG = Logger.getLogger(InstanceLock.class);

  /** Ids drawn at start before giving up on taking the lock (a clash is one in 2^32 a pair). */
  private static final int DRAWS = 5;

  /** How long a statement on the lock connection may wait on the network before it counts lost. */
  private static final int SOCKET_TIMEOUT_SECONDS = 10;

  private final AgroalDataSource dataSource;
  private String owner;
  private Connection connection;
  private volatile boolean held;

  public InstanceLock(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The id written into {@code lease_owner} by this process, fixed on the first call, which also
   * takes its lock when the database answers (else the next {@link #takeOverDeadLeases} tries).
   */
  public synchronized String owner() {
    if (owner == null) {
      for (int i = 0; i < DRAWS; i++) {
        owner = processName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
          if (take()) {
            break;
          }
          // Taken by another instance whose id hashes alike: draw another id.
        } catch (SQLException e) {
          LOG.warnf("instance lock of %s not taken (%s); retried at the next scan", owner, e);
          lose();
          break; // keep this id, and try its lock again at the next check
        }
      }
    }
    return owner;
  }

  /** Whether the lock is ours: only then may this process lease rows. */
  public boolean held() {
    return held;
  }

  /**
   * Takes the lock again if it was lost, then releases every row leased by an owner whose lock is
   * free; returns how many rows were released (0 when the lock is not ours: then nothing is done,
   * since our own leases would look dead to us). Never throws: a failure marks the lock lost.
   */
  public synchronized int takeOverDeadLeases() {
    owner();
    if (!held && !retake()) {
      return 0;
    }
    int released = 0;
    try (PreparedStatement ps = connection.prepareStatement(DeliveryQueries.TAKE_OVER_DEAD_LEASES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        LOG.infof(
            "instance %s is gone (its lock is free): %d delivery rows it leased taken over",
            rs.getString(1), rs.getInt(2));
        released += rs.getInt(2);
      }
    } catch (SQLException e) {
      LOG.warnf(e, "instance lock of %s lost; no claims until it is taken again", owner);
      lose();
      retake();
    }
    return released;
  }

  /** {@link #take}, a failure logged: the next check tries again. */
  private boolean retake() {
    try {
      return take();
    } catch (SQLException e) {
      LOG.warnf("instance lock of %s not taken (%s); retried at the next scan", owner, e);
      lose();
      return false;
    }
  }

  /**
   * Opens the lock connection and takes the lock; true when it is ours. When another session holds
   * it (our own old one, still alive on the server, or an id sharing its hash), false.
   */
  private boolean take() throws SQLException {
    lose();
    connection = connect();
    try (PreparedStatement ps = connection.prepareStatement(DeliveryQueries.INSTANCE_KEEPALIVES)) {
      // The server's keepalives end the session (and the lock) of a host that vanished without
      // closing its socket in about 25 s, not the kernel's two hours.
      ps.executeQuery().close();
    }
    try (PreparedStatement ps = connection.prepareStatement(DeliveryQueries.TRY_LOCK_INSTANCE)) {
      ps.setString(1, owner);
      try (ResultSet rs = ps.executeQuery()) {
        held = rs.next() && rs.getBoolean(1);
      }
    }
    if (held) {
      LOG.infof("instance lock of %s taken", owner);
    } else {
      LOG.warnf(
          "instance lock of %s is held by another session; no claims until it is free", owner);
      lose();
    }
    return held;
  }

  /**
   * The container is going away (after shutdown's drain, so our in-flight rows were recorded or
   * left): our leases may now be taken over at once. In a process this is its exit anyway; a test
   * that restarts the application in one JVM would otherwise leave the lock held for ever.
   */
  @PreDestroy
  synchronized void close() {
    lose();
  }

  private void lose() {
    held = false;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debugf(e, "closing the broken lock connection");
      }
      connection = null;
    }
  }

  /**
   * A connection of its own, outside the pool, with the pool's URL, credentials and driver
   * properties: a pooled one would go back to the pool still holding the lock (a session lock
   * outlives its borrower) and with this connection's settings. Its socket timeout is short: only
   * short statements run on it, and one stuck on a dead network should count as lost soon.
   */
  private Connection connect() throws SQLException {
    AgroalConnectionFactoryConfiguration f =
        dataSource
            .getConfiguration()
            .connectionPoolConfiguration()
            .connectionFactoryConfiguration();
    Properties p = new Properties();
    p.putAll(f.jdbcProperties());
    if (f.principal() != null) {
      p.setProperty("user", f.principal().getName());
    }
    for (Object credential : f.credentials()) {
      if (credential instanceof SimplePassword password) {
        p.setProperty("password", password.getWord());
      }
    }
    p.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "fanmail instance lock");
    Connection c = new Driver().connect(f.jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("not a PostgreSQL URL: " + f.jdbcUrl());
    }
    return c;
  }

  private static String processName() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }
}
