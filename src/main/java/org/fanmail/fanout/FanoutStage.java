package org.fanmail.fanout;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.fanmail.config.FanmailConfig;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.FanoutQueries;
import org.fanmail.queue.PostCommitted;
import org.jboss.logging.Logger;

/**
 * Expansion: turns each ACCEPTED post into recipient rows and delivery rows (one per future SMTP
 * transaction), in one database transaction per post, and moves the post to DELIVERING (or DONE
 * when nobody is left to send to).
 *
 * <p>Invariants: members are copied with one INSERT ... SELECT (never through the heap); each
 * distinct recipient domain is resolved once per expansion; every recipient ends up FAILED (domain
 * can never take mail) or attached to exactly one delivery row of at most {@code
 * max-recipients-per-transaction} recipients. Triggered by {@link PostCommitted} and by a periodic
 * scan; on any error the transaction rolls back and the post stays ACCEPTED for the next scan.
 */
@ApplicationScoped
public class FanoutStage {
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);
  private static final int DOMAIN_BATCH = 256;

  private final AgroalDataSource dataSource;
  private final DestinationResolver resolver;
  private final FanmailConfig config;
  private final Event<DeliveriesReady> ready;
  private final ReentrantLock scanning = new ReentrantLock();

  /** Decides the post's DMARC action in the expansion's transaction (README "DMARC"). */
  @Inject DmarcStep dmarc;

  /**
   * Runs every announced expansion, one at a time: expansion holds a database connection and writes
   * many rows, and unbounded parallel expansions would starve SMTP intake of connections (measured:
   * ingest fell to a fifth). The queue of hints is bounded; a hint dropped when it is full is
   * covered by the scan.
   */
  private final ExecutorService expander =
      new ThreadPoolExecutor(
          1,
          1,
          0L,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(10_000),
          r -> {
            Thread t = new Thread(r, "fanout-expand");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.DiscardPolicy());

  /** Resolves one batch of domains in parallel; DNS waits dominate expansion of wide lists. */
  private final ExecutorService dnsPool =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "fanout-dns");
            t.setDaemon(true);
            return t;
          });

  public FanoutStage(
      AgroalDataSource dataSource,
      DestinationResolver resolver,
      FanmailConfig config,
      Event<DeliveriesReady> ready) {
    this.dataSource = dataSource;
    this.resolver = resolver;
    this.config = config;
    this.ready = ready;
  }

  /**
   * The SMTP stage committed posts, announced synchronously: hand them to a worker at once, so the
   * firing thread (perhaps an event loop) never waits for expansion.
   */
  void onPostCommittedSync(@Observes PostCommitted event) {
    expander.execute(() -> onPostCommitted(event));
  }

  /** The SMTP stage committed posts (async event): queue them for the single expander. */
  void onPostCommittedAsync(@ObservesAsync PostCommitted event) {
    expander.execute(() -> onPostCommitted(event));
  }

  /** Expands the announced posts; runs on the expander thread. */
  void onPostCommitted(PostCommitted event) {
    for (long id : event.postIds()) {
      try {
        expand(id);
      } catch (SQLException | RuntimeException e) {
        LOG.warnf(e, "post %d: expansion failed, the next scan retries it", id);
      }
    }
  }

  /** The truth behind the wake-ups: expands every ACCEPTED post, one transaction each. */
  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    if (!scanning.tryLock()) {
      return;
    }
    try {
      while (expandNext(null)) {
        // one post per transaction
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "expansion scan failed; retried at the next scan");
    } finally {
      scanning.unlock();
    }
  }

  /** Expands one specific post if it is still ACCEPTED and nobody else holds it. */
  public boolean expand(long postId) throws SQLException {
    return expandNext(postId);
  }

  /** Claims and expands one post ({@code postId}, or any); false when there was none. */
  private boolean expandNext(Long postId) throws SQLException {
    long id;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Long listId;
        try (PreparedStatement ps =
            c.prepareStatement(
                postId == null
                    ? FanoutQueries.CLAIM_ACCEPTED_POST
                    : FanoutQueries.CLAIM_POST_BY_ID)) {
          if (postId != null) {
            ps.setLong(1, postId);
          }
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              c.rollback();
              return false;
            }
            id = rs.getLong(1);
            long l = rs.getLong(2);
            listId = rs.wasNull() ? null : l;
          }
        }
        if (listId == null) {
          try (PreparedStatement ps = c.prepareStatement(FanoutQueries.PARK_POST)) {
            ps.setString(1, "the post's list no longer exists");
            ps.setLong(2, id);
            ps.executeUpdate();
          }
          c.commit();
          LOG.warnf("post %d: parked, its list no longer exists", id);
          return true;
        }
        long started = System.nanoTime();
        Expansion made = expandInTransaction(c, id, listId);
        c.commit();
        // Counts come from the statements themselves: recounting a large post's rows for a log
        // line would cost the serial expander a scan of every recipient.
        LOG.infof(
            "post %d: expanded into %d recipients, %d transactions, in %d ms",
            id, made.recipients(), made.deliveries(), (System.nanoTime() - started) / 1_000_000);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    ready.fireAsync(new DeliveriesReady(id));
    return true;
  }

  /** What one expansion wrote: recipient rows (failed-at-once included) and delivery rows. */
  private record Expansion(int recipients, int deliveries) {}

  private Expansion expandInTransaction(Connection c, long postId, long listId)
      throws SQLException {
    int recipients = 0;
    int deliveries = 0;
    dmarc.decide(c, postId);
    try (var st = c.createStatement()) {
      st.execute(FanoutQueries.CREATE_CANDIDATE_TABLE);
    }
    int candidates;
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.INSERT_CANDIDATES)) {
      ps.setLong(1, listId);
      ps.setLong(2, postId);
      candidates = ps.executeUpdate();
    }
    if (candidates > 0) {
      try (var st = c.createStatement()) {
        st.execute(FanoutQueries.CREATE_DOMAIN_TABLE);
        st.execute(FanoutQueries.CREATE_CHUNK_TABLE);
        st.execute(FanoutQueries.CREATE_DELIVERY_TABLE);
      }
      resolveDomains(c, postId);
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.NUMBER_RECIPIENTS)) {
        ps.setInt(1, config.delivery().maxRecipientsPerTransaction());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.ALLOCATE_DELIVERIES)) {
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.INSERT_DELIVERIES)) {
        ps.setLong(1, postId);
        ps.setDouble(2, config.delivery().retrySchedule().get(0).toMillis() / 1000.0);
        deliveries = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(FanoutQueries.INSERT_RECIPIENTS)) {
        ps.setLong(1, postId);
        recipients = ps.executeUpdate();
      }
    }
    // No candidates: no deliveries, and the post is DONE at once.
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.FINISH_EXPANSION)) {
      ps.setLong(1, postId);
      ps.executeUpdate();
    }
    return new Expansion(recipients, deliveries);
  }

  /** Streams the distinct domains, resolves them in parallel batches, writes fanout_domain. */
  private void resolveDomains(Connection c, long postId) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(FanoutQueries.SELECT_DISTINCT_DOMAINS);
        PreparedStatement insert = c.prepareStatement(FanoutQueries.INSERT_DOMAIN)) {
      select.setFetchSize(DOMAIN_BATCH);
      try (ResultSet rs = select.executeQuery()) {
        List<String> batch = new ArrayList<>(DOMAIN_BATCH);
        while (rs.next()) {
          batch.add(rs.getString(1));
          if (batch.size() == DOMAIN_BATCH) {
            writeDomains(c, insert, batch, postId);
            batch.clear();
          }
        }
        writeDomains(c, insert, batch, postId);
      }
    }
  }

  private void writeDomains(Connection c, PreparedStatement insert, List<String> domains, long id)
      throws SQLException {
    if (domains.isEmpty()) {
      return;
    }
    List<CompletableFuture<Destination>> futures = new ArrayList<>(domains.size());
    for (String domain : domains) {
      futures.add(CompletableFuture.supplyAsync(() -> resolver.resolve(domain), dnsPool));
    }
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      Destination d;
      try {
        d = futures.get(i).join();
      } catch (RuntimeException e) {
        d = Destination.temporary("4.4.3 look-up of " + domain + " failed: " + e.getMessage());
      }
      if (!d.routable()) {
        LOG.infof("post %d: domain %s is %s: %s", id, domain, d.outcome(), d.reason());
      }
      String[] hosts = d.hosts().stream().map(HostPort::toString).toArray(String[]::new);
      insert.setString(1, domain);
      insert.setString(2, Grouper.groupKey(domain, d, config.delivery().groupBy()));
      insert.setArray(3, c.createArrayOf("text", hosts));
      insert.setString(4, d.outcome().name());
      insert.setString(5, d.reason());
      insert.addBatch();
    }
    insert.executeBatch();
  }
}
