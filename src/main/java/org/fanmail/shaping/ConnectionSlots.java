package org.fanmail.shaping;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fanmail.config.FanmailConfig;
import org.jboss.logging.Logger;

/**
 * The connection limits of a site, kept for the cluster: before it opens a connection to a site an
 * instance takes one of the site's numbered slots in {@code shaping_connection} ({@link
 * ShapingQueries#TAKE_SLOT}), below its own current limit for the site, and it gives the slot back
 * when the connection closed; so however many instances deliver, no more connections are open to a
 * site than the highest limit any of them has for it (each at most the profile's {@code
 * connections}; a throttle, read by all, lowers it for all). Slots are leased: the slots an
 * instance holds are renewed in one statement at each delivery scan ({@link #renew}), and a slot
 * whose lease ran out or whose holder's instance lock is free is free again, so a crashed
 * instance's slots come back as soon as its database session ends, and within a lease at worst.
 * Also the site's connections per minute, a bucket in {@code shaping_site} ({@link #connectWait}).
 *
 * <p>An instance whose instance lock is lost (its lock connection broke) looks dead to the others
 * until it takes the lock again, and they may take its slots meanwhile: the site may then have that
 * instance's connections too many until they close, the same bound as for the delivery rows it
 * holds ({@code delivery.InstanceLock}); its next renewal logs how many slots it lost.
 *
 * <p>Blocking (JDBC): callers run it off the event loop. A database failure never stops delivery:
 * the connection goes ahead on an unshared slot (only this instance's own limit holds) or unpaced
 * by the cluster (this instance's own spacing holds), and the failure is logged.
 */
@ApplicationScoped
public class ConnectionSlots {
  private static final Logger LOG = Logger.getLogger(ConnectionSlots.class);

  /** Free slot rows of sites nobody connected to for a day are deleted at most this often. */
  static final Duration FORGET_EVERY = Duration.ofHours(1);

  /**
   * A slot held by this instance; {@code number} -1: taken while the database could not say
   * (unshared, nothing to give back).
   */
  public record Slot(String site, int number) {
    public boolean shared() {
      return number >= 0;
    }

    // Written out: a record's own equals and hashCode are bootstrapped through method handles on
    // first use, some 30 hidden classes spun during a cold post's first connection.
    @Override
    public boolean equals(Object o) {
      return o instanceof Slot s && number == s.number && site.equals(s.site);
    }

    @Override
    public int hashCode() {
      return 31 * site.hashCode() + number;
    }
  }

  private final AgroalDataSource dataSource;
  private final Duration lease;
  private final Set<Slot> held = ConcurrentHashMap.newKeySet();
  private volatile Instant forgotAt = Instant.EPOCH;

  @Inject
  public ConnectionSlots(AgroalDataSource dataSource, FanmailConfig config) {
    this(dataSource, config.delivery().lease());
  }

  /** With a lease of its own (tests of its lapse). */
  ConnectionSlots(AgroalDataSource dataSource, Duration lease) {
    this.dataSource = dataSource;
    this.lease = lease;
  }

  /**
   * A free slot of {@code site} below {@code limit} for {@code owner}, or empty when all are held
   * (then wait: one is given back, or taken over from a dead holder, later). Makes the site's slot
   * rows on first need. A database failure gives an unshared slot.
   */
  public Optional<Slot> take(Site site, int limit, String owner) {
    if (limit <= 0) {
      return Optional.empty();
    }
    int cap = Math.min(limit, 1000);
    try (Connection c = dataSource.getConnection()) {
      Optional<Slot> s = takeOne(c, site.key(), cap, owner);
      if (s.isEmpty() && ensure(c, site.key(), cap) > 0) {
        s = takeOne(c, site.key(), cap, owner);
      }
      s.ifPresent(held::add);
      return s;
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: connection slot not taken; connecting on this instance's limit", site);
      return Optional.of(new Slot(site.key(), -1));
    }
  }

  private Optional<Slot> takeOne(Connection c, String site, int limit, String owner)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ShapingQueries.TAKE_SLOT)) {
      ps.setString(1, site);
      ps.setInt(2, limit);
      ps.setString(3, owner);
      ps.setDouble(4, lease.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String before = rs.getString(2);
        if (before != null && !before.equals(owner)) {
          LOG.infof(
              "site %s: connection slot %d taken over from %s (gone or lapsed)",
              site, rs.getInt(1), before);
        }
        return Optional.of(new Slot(site, rs.getInt(1)));
      }
    }
  }

  private static int ensure(Connection c, String site, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ShapingQueries.ENSURE_SLOTS)) {
      ps.setString(1, site);
      ps.setInt(2, limit);
      return ps.executeUpdate();
    }
  }

  /** Gives {@code slot} back; a failure is logged and the slot lapses with its lease. */
  public void release(Slot slot, String owner) {
    if (slot == null || !held.remove(slot) || !slot.shared()) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.RELEASE_SLOT)) {
      ps.setString(1, slot.site());
      ps.setInt(2, slot.number());
      ps.setString(3, owner);
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: connection slot %d not given back; it lapses", slot.site(), slot);
    }
  }

  /** The slots this instance holds now. */
  public List<Slot> held() {
    return List.copyOf(held);
  }

  /**
   * Renews every slot {@code owner} holds, in one statement (none when it holds none); returns how
   * many the table still gave it. At most hourly, also deletes the slot rows of idle sites. A
   * failure is logged: the next scan renews, well within a lease.
   */
  public int renew(String owner) {
    List<Slot> mine = held().stream().filter(Slot::shared).toList();
    int renewed = 0;
    try (Connection c = dataSource.getConnection()) {
      if (!mine.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(ShapingQueries.RENEW_SLOTS)) {
          ps.setDouble(1, lease.toMillis() / 1000.0);
          ps.setString(2, owner);
          ps.setArray(3, c.createArrayOf("text", mine.stream().map(Slot::site).toArray()));
          ps.setArray(4, c.createArrayOf("integer", mine.stream().map(Slot::number).toArray()));
          renewed = ps.executeUpdate();
        }
        if (renewed < mine.size()) {
          LOG.warnf(
              "%d of the %d connection slots of %s were taken over (its instance lock was lost)",
              mine.size() - renewed, mine.size(), owner);
        }
      }
      Instant now = Instant.now();
      if (forgotAt.plus(FORGET_EVERY).isBefore(now)) {
        forgotAt = now;
        try (PreparedStatement ps = c.prepareStatement(ShapingQueries.FORGET_IDLE_SLOTS)) {
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      LOG.warnf(e, "renewing %d connection slots failed; retried at the next scan", mine.size());
    }
    return renewed;
  }

  /**
   * Milliseconds to wait before the next connection to {@code site}, its turn reserved in the
   * site's cluster-wide connection-rate bucket (0 when it has no rate). A database failure falls
   * back to this instance's own spacing ({@link Site#connectWait}).
   */
  public long connectWait(Site site, Instant now) {
    int perMinute = site.profile().connectionsPerMinute();
    if (perMinute <= 0) {
      return 0;
    }
    double rate = perMinute / 60.0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.TAKE_CONNECT_TOKEN)) {
      ps.setString(1, site.key());
      ps.setDouble(2, rate);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        double left = rs.getDouble(1);
        return left >= 0 ? 0 : (long) Math.ceil(-left / rate * 1000);
      }
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: connection-rate bucket unavailable; this instance's spacing", site);
      return site.connectWait(now);
    }
  }
}
