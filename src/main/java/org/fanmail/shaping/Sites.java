package org.fanmail.shaping;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fanmail.config.DeliveryConfig;
import org.fanmail.config.FanmailConfig;
import org.jboss.logging.Logger;

/**
 * The delivery sites of this instance and the policy they follow: the one place the scheduler, its
 * runners and the destinations API ask about a site. Holds the current {@link ShapingPolicy} (the
 * shaping file, checked at start: a bad file stops start-up; re-read when its modification time
 * changes, a bad reload keeps the policy in force and is logged), and keeps each site's state in
 * step with the cluster: a change of state is written to {@code shaping_site} at once, and every
 * refresh reads the rows back, so a site suspended by one instance (or an operator) is suspended
 * for all. A site's messages-per-minute is a token bucket in the same row, taken from by every
 * instance. A database failure never stops delivery: the state stays as known, the bucket lets the
 * message go, and the failure is logged.
 */
@ApplicationScoped
public class Sites {
  private static final Logger LOG = Logger.getLogger(Sites.class);

  /**
   * A NORMAL site without connections that nobody asked for this long is forgotten (made again on
   * its next row), so the sites in memory are those of the last hour, not of all time.
   */
  static final Duration IDLE_SITE = Duration.ofHours(1);

  /** A site's bucket holds this many seconds of its rate: the burst it allows. */
  static final int BURST_SECONDS = 5;

  private final AgroalDataSource dataSource;
  private final DeliveryConfig config;
  private final MeterRegistry registry;
  private final Map<String, Site> sites = new ConcurrentHashMap<>();
  private volatile ShapingPolicy policy;
  private volatile FileTime loaded;

  public Sites(AgroalDataSource dataSource, FanmailConfig config, MeterRegistry registry) {
    this.dataSource = dataSource;
    this.config = config.delivery();
    this.registry = registry;
  }

  /** Reads the shaping file (or the shipped profiles); a bad file stops start-up. */
  @PostConstruct
  void init() {
    policy = load();
    for (SiteState s : SiteState.values()) {
      Gauge.builder("fanmail.delivery.sites", this, x -> x.count(s))
          .description("delivery sites known to this instance, by state")
          .tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    LOG.infof(
        "traffic shaping: %s, %d provider profiles",
        config.shapingFile().map(Path::toString).orElse("shipped profiles"),
        policy.profiles().size());
  }

  /** The limits that stand when the file gives none: the configuration's. */
  SiteProfile fallback() {
    return new SiteProfile(
        "defaults",
        List.of(),
        config.maxConnectionsPerHost(),
        config.maxConnectionsPerHost(),
        0,
        config.maxRecipientsPerTransaction(),
        0,
        0,
        0,
        Duration.ofMinutes(1),
        List.of());
  }

  private ShapingPolicy load() {
    Optional<Path> file = config.shapingFile();
    if (file.isEmpty()) {
      return ShapingFile.builtin(fallback());
    }
    try {
      loaded = Files.getLastModifiedTime(file.get());
    } catch (java.io.IOException e) {
      throw new ShapingFileException(file.get() + ": cannot be read: " + e.getMessage(), e);
    }
    return ShapingFile.read(file.get(), fallback());
  }

  public ShapingPolicy policy() {
    return policy;
  }

  /** The site of a delivery to {@code destination} over {@code hosts}, made on first sight. */
  public Site siteFor(String destination, List<String> hosts) {
    ShapingPolicy p = policy;
    String key = p.siteOf(destination, hosts);
    Site site = sites.computeIfAbsent(key, k -> new Site(k, hosts, p.profileFor(hosts)));
    site.lastUsed = System.currentTimeMillis();
    return site;
  }

  /** The site called {@code key}, if this instance knows it. */
  public Optional<Site> site(String key) {
    return Optional.ofNullable(sites.get(key));
  }

  /** Every site this instance knows. */
  public List<Site> all() {
    return new ArrayList<>(sites.values());
  }

  private double count(SiteState s) {
    Instant now = Instant.now();
    return sites.values().stream().filter(x -> x.state(now) == s).count();
  }

  /**
   * The file is re-read when its modification time changed, and the cluster's site states are read
   * back; at the scheduler's scan interval.
   */
  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  public void refresh() {
    reloadIfChanged();
    forgetIdle(Instant.now());
    try {
      readStates();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "reading the sites' shared state failed; retried at the next refresh");
    }
  }

  private void forgetIdle(Instant now) {
    long before = now.minus(IDLE_SITE).toEpochMilli();
    sites
        .values()
        .removeIf(s -> s.active == 0 && s.lastUsed < before && s.state(now) == SiteState.NORMAL);
  }

  /** Re-reads the shaping file if it changed; returns whether a new policy is in force. */
  public boolean reloadIfChanged() {
    Optional<Path> file = config.shapingFile();
    if (file.isEmpty()) {
      return false;
    }
    FileTime now;
    try {
      now = Files.getLastModifiedTime(file.get());
    } catch (java.io.IOException e) {
      LOG.warnf("shaping file %s cannot be read (%s); the policy in force stays", file.get(), e);
      return false;
    }
    if (now.equals(loaded)) {
      return false;
    }
    loaded = now;
    ShapingPolicy next;
    try {
      next = ShapingFile.read(file.get(), fallback());
    } catch (ShapingFileException e) {
      LOG.errorf("shaping file not reloaded, the policy in force stays: %s", e.getMessage());
      return false;
    }
    policy = next;
    for (Site s : sites.values()) {
      s.profile(s.mxHosts().isEmpty() ? next.profileNamed(s.key()) : next.profileFor(s.mxHosts()));
    }
    LOG.infof("shaping file %s reloaded: %d provider profiles", file.get(), next.profiles().size());
    return true;
  }

  private void readStates() throws SQLException {
    Instant now = Instant.now();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.READ_STATES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String key = rs.getString(1);
        SiteState state = SiteState.valueOf(rs.getString(2));
        Timestamp until = rs.getTimestamp(3);
        Site site = sites.get(key);
        if (site == null) {
          if (state == SiteState.NORMAL) {
            continue;
          }
          List<String> hosts = Arrays.asList((String[]) rs.getArray(5).getArray());
          site = sites.computeIfAbsent(key, k -> new Site(k, hosts, policy.profileFor(hosts)));
        }
        site.apply(
            state,
            until == null ? null : until.toInstant(),
            rs.getString(4),
            rs.getInt(6),
            rs.getInt(7),
            now);
      }
    }
  }

  /** Tells the cluster of {@code t}; a failure is logged (this instance still obeys it). */
  public void persist(Site site, Site.Transition t) {
    if (t == null) {
      return;
    }
    registry
        .counter("fanmail.delivery.site.transitions", "state", t.state().name().toLowerCase())
        .increment();
    LOG.infof(
        "site %s: %s%s%s",
        site.key(),
        t.state(),
        t.until() == null ? "" : " until " + t.until(),
        t.reason() == null ? "" : " (" + t.reason() + ")");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.UPSERT_STATE)) {
      ps.setString(1, site.key());
      ps.setString(2, t.state().name());
      ps.setTimestamp(3, t.until() == null ? null : Timestamp.from(t.until()));
      ps.setString(4, t.reason());
      ps.setArray(5, c.createArrayOf("text", site.mxHosts().toArray()));
      ps.setInt(6, t.connections());
      ps.setInt(7, t.messagesPerMinute());
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: state not shared with the cluster", site.key());
    }
  }

  /**
   * Takes {@code n} messages from the site's cluster-wide bucket; returns how many milliseconds to
   * wait for their turn (0 when the site has no rate, or the database cannot say).
   */
  public long takeTokens(Site site, int n, Instant now) {
    int perMinute = site.messagesPerMinute(now);
    if (perMinute <= 0) {
      return 0;
    }
    double rate = perMinute / 60.0;
    double capacity = Math.max(1, Math.floor(rate * BURST_SECONDS));
    double take = Math.min(n, capacity);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.TAKE_TOKENS)) {
      ps.setString(1, site.key());
      ps.setDouble(2, capacity);
      ps.setDouble(3, take);
      ps.setDouble(4, capacity);
      ps.setDouble(5, rate);
      ps.setDouble(6, take);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        double left = rs.getDouble(1);
        return left >= 0 ? 0 : (long) Math.ceil(-left / rate * 1000);
      }
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: rate bucket unavailable; sending unpaced", site.key());
      return 0;
    }
  }

  /**
   * The rows {@code ids} of suspended {@code site} (leased to {@code owner}) wait in the database
   * until it opens, without an attempt; returns how many. A failure is logged: their leases expire
   * and they are claimed again (and postponed then).
   */
  public int postpone(Site site, List<Long> ids, String owner) {
    Instant until = site.until(Instant.now());
    Instant due = until == null ? Instant.now() : until;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.POSTPONE_DELIVERIES)) {
      ps.setTimestamp(1, Timestamp.from(due));
      ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
      ps.setString(3, owner);
      int n = ps.executeUpdate();
      LOG.infof("site %s suspended: %d deliveries wait until %s", site.key(), n, due);
      return n;
    } catch (SQLException e) {
      LOG.warnf(e, "site %s: postponing %d deliveries failed; leases expire", site, ids.size());
      return 0;
    }
  }

  /** An operator suspends {@code key} for {@code minutes}; empty when no such site is known. */
  public Optional<Site> suspend(String key, int minutes) throws SQLException {
    Optional<Site> site = known(key);
    site.ifPresent(
        s ->
            persist(
                s,
                s.suspend(
                    Instant.now().plus(Duration.ofMinutes(minutes)),
                    "suspended by an operator for " + minutes + " minutes")));
    return site;
  }

  /**
   * An operator resumes {@code key}: NORMAL for every instance, and its waiting rows due now; empty
   * when no such site is known.
   */
  public Optional<Site> resume(String key) throws SQLException {
    Optional<Site> site = known(key);
    if (site.isEmpty()) {
      return site;
    }
    persist(site.get(), site.get().resume("resumed by an operator"));
    int released = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.RELEASE_SITE)) {
      for (Backlog b : backlog()) {
        if (b.site().equals(key)) {
          ps.setString(1, b.destination());
          ps.setArray(2, c.createArrayOf("text", b.hosts().toArray()));
          released += ps.executeUpdate();
        }
      }
    }
    LOG.infof("site %s resumed by an operator: %d deliveries due now", key, released);
    return site;
  }

  /** A site of this instance, of the shared table, or of the backlog. */
  private Optional<Site> known(String key) throws SQLException {
    Site s = sites.get(key);
    if (s != null) {
      return Optional.of(s);
    }
    readStates();
    s = sites.get(key);
    if (s != null) {
      return Optional.of(s);
    }
    for (Backlog b : backlog()) {
      if (b.site().equals(key)) {
        return Optional.of(siteFor(b.destination(), b.hosts()));
      }
    }
    return Optional.empty();
  }

  /** Recipients still to deliver to one destination over one host list. */
  public record Backlog(String site, String destination, List<String> hosts, long recipients) {}

  /** The backlog by destination and hosts, each with its site (see {@link ShapingQueries}). */
  public List<Backlog> backlog() throws SQLException {
    ShapingPolicy p = policy;
    List<Backlog> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ShapingQueries.PENDING_BY_HOSTS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String destination = rs.getString(1);
        Array a = rs.getArray(2);
        List<String> hosts = a == null ? List.of() : Arrays.asList((String[]) a.getArray());
        out.add(new Backlog(p.siteOf(destination, hosts), destination, hosts, rs.getLong(3)));
      }
    }
    return out;
  }
}
