package org.fanmail.delivery;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fanmail.config.DeliveryConfig;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.DestinationResolver;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.shaping.ConnectionSlots;
import org.fanmail.shaping.Site;
import org.fanmail.shaping.Sites;
import org.jboss.logging.Logger;

/**
 * Claims due delivery rows (leased to this process) and hands them to per-destination connections,
 * in Postfix qmgr's shape: a bounded in-memory queue per destination, at most {@code
 * max-connections} connections in all and, to one site (the MX host set of a destination, see
 * {@link Sites}), as many as its concurrency window and state allow, each connection working
 * through its destination's rows one transaction after another. A suspended site's rows are not
 * sent: they go back to the database due when the site opens ({@code
 * ShapingQueries.POSTPONE_DELIVERIES}), untouched by the retry schedule. Every {@link
 * DestinationRunner} gets the one {@link RunnerContext} built at start and its destination's {@link
 * DestinationQueue} as a {@link RunnerQueue}, the only way back into the scheduler.
 *
 * <p>Triggered by a periodic scan (the truth) and by {@link DeliveriesReady} after an expansion or
 * whenever room frees up (hints). Claims never exceed the room left in memory, and a post
 * contributes a bounded number of rows per claim (see {@code DeliveryQueries.CLAIM_DUE}), so a huge
 * post cannot starve a small one. A crash loses nothing: the rows of a dead instance are taken over
 * within a scan of its death ({@link InstanceLock}: its lock is free), or when their lease expires,
 * and claimed again. Without our own lock we claim nothing.
 *
 * <p>The expander of this instance writes a small post's rows already leased to it when there is
 * room ({@link DeliveryHandoff}): they join the queues without a claim (a claim statement and its
 * commit for every two posts of a stream of small ones).
 */
@ApplicationScoped
public class DeliveryScheduler implements DeliveryHandoff {
  private static final Logger LOG = Logger.getLogger(DeliveryScheduler.class);

  /**
   * How long a runner whose queue ran empty keeps its connection open for the destination's next
   * row, as long as Postfix's connection cache keeps an unused one ({@code
   * smtp_connection_cache_time_limit}, 2 s): posts arriving up to that far apart reuse one session
   * instead of connecting, greeting and saying EHLO for each (a thread's replies, a burst of system
   * mail). Given up at once when another destination waits for a connection slot, and at shutdown.
   */
  static final long LINGER_MILLIS = 2000;

  private final Vertx vertx;
  private final DeliveryStore store;
  private final PreparedMessages messages;
  private final DestinationResolver resolver;
  private final FanmailConfig config;
  private final DeliveryMetrics metrics;
  private final InstanceLock lock;
  private final Sites sites;
  private final ConnectionSlots slots;
  private String owner;
  private final RetrySchedule retry;
  private final int capacity;
  private final int perPost;
  private final Map<String, DestinationQueue> queues = new HashMap<>();
  private final Set<Long> held = new HashSet<>();

  /** Room promised to the expander ({@link #reserve}) for rows it is writing. */
  private int reserved;

  private final AtomicBoolean claimPending = new AtomicBoolean();

  /**
   * The last claim may have left due rows behind (it filled the room in memory, or a post gave it
   * as many rows as one claim takes of a post): a finished job then asks for another claim.
   * Otherwise a finished job does not (one claim per delivered row was the pattern under a stream
   * of small posts); new rows wake a claim themselves, and the scan finds the rest (retries that
   * come due, leases of other instances that expire).
   */
  private final AtomicBoolean moreDue = new AtomicBoolean();

  private final ExecutorService claimer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "delivery-claim");
            t.setDaemon(true);
            return t;
          });
  private int connections;

  /** What every runner is given, built once in {@link #init}. */
  private RunnerContext runnerContext;

  private volatile boolean stopping;

  /** Shutdown has begun: runners close instead of lingering, claims stop. */
  boolean stopping() {
    return stopping;
  }

  public DeliveryScheduler(
      Vertx vertx,
      DeliveryStore store,
      PreparedMessages messages,
      DestinationResolver resolver,
      FanmailConfig config,
      DeliveryMetrics metrics,
      InstanceLock lock,
      Sites sites,
      ConnectionSlots slots) {
    this.vertx = vertx;
    this.slots = slots;
    this.sites = sites;
    this.store = store;
    this.messages = messages;
    this.resolver = resolver;
    this.config = config;
    this.metrics = metrics;
    DeliveryConfig d = config.delivery();
    this.lock = lock;
    this.retry = new RetrySchedule(d.retrySchedule(), d.maxAge());
    this.capacity = Math.max(64, d.maxConnections() * 4);
    this.perPost = Math.max(4, capacity / 4);
  }

  @PostConstruct
  void init() {
    owner = lock.owner();
    runnerContext =
        RunnerContext.create(
            vertx, config, store, messages, resolver, metrics, sites, retry, owner, slots);
    LOG.infof("delivery scheduler %s: up to %d rows in memory", owner, capacity);
  }

  /** A restart takes over its dead predecessor's rows at once, not at the first scan. */
  void onStart(@Observes StartupEvent event) {
    scan();
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    claimer.shutdownNow();
    List<DestinationRunner> idle;
    synchronized (this) {
      idle = takeLingering();
    }
    idle.forEach(DestinationRunner::closeNow);
  }

  /** Every lingering runner, no longer lingering; the caller closes them outside the lock. */
  private List<DestinationRunner> takeLingering() {
    List<DestinationRunner> idle = new ArrayList<>();
    for (DestinationQueue q : queues.values()) {
      if (q.lingering != null) {
        idle.add(q.lingering);
        q.lingering = null;
      }
    }
    return idle;
  }

  /**
   * Whether another destination has rows but no runner, for want of a connection slot (under the
   * lock).
   */
  boolean othersWaiting(DestinationQueue except) {
    if (connections < config.delivery().maxConnections()) {
      return false;
    }
    for (DestinationQueue q : queues.values()) {
      if (q != except
          && !q.jobs.isEmpty()
          && q.active == 0
          && q.site.active < q.site.connectionLimit(Instant.now())) {
        return true;
      }
    }
    return false;
  }

  /** The context every runner works in: its client, settings and stores. */
  RunnerContext runnerContext() {
    return runnerContext;
  }

  /** The id written into {@code lease_owner} by this process. */
  public String owner() {
    return owner;
  }

  /** Expansion made new rows: claim now rather than at the next scan. */
  void onDeliveriesReady(@ObservesAsync DeliveriesReady event) {
    wake();
  }

  /** Asks for a claim on the claim thread (coalesced: one pending claim at a time). */
  public void wake() {
    if (stopping || !claimPending.compareAndSet(false, true)) {
      return;
    }
    try {
      claimer.execute(
          () -> {
            claimPending.set(false);
            claimNow();
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      claimPending.set(false);
    }
  }

  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    lock.takeOverDeadLeases();
    slots.renew(owner);
    wake();
    try {
      int closed = store.finishIdlePosts();
      if (closed > 0) {
        LOG.infof("%d posts with nothing left pending closed by the scan", closed);
      }
      metrics.queueDepth(store.pendingDeliveries());
    } catch (SQLException e) {
      LOG.warnf(e, "scan bookkeeping failed; retried at the next scan");
    }
  }

  /** Number of deliveries held in memory (claimed, queued or in flight). */
  public synchronized int inFlight() {
    return held.size();
  }

  private void claimNow() {
    if (stopping || !lock.held()) {
      return;
    }
    int room;
    synchronized (this) {
      room = capacity - held.size() - reserved;
    }
    if (room <= 0) {
      moreDue.set(true);
      return;
    }
    List<DeliveryJob> jobs;
    try {
      jobs = store.claim(owner, config.delivery().lease(), perPost, room);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "claiming due deliveries failed; the next scan retries");
      return;
    }
    moreDue.set(jobs.size() == room || DeliveryJob.somePostGave(jobs, perPost));
    if (jobs.isEmpty()) {
      return;
    }
    synchronized (this) {
      for (DeliveryJob job : jobs) {
        if (held.add(job.deliveryId())) {
          queueOf(job.destination(), job.hosts()).jobs.add(job);
        }
      }
      metrics.inMemory(held.size());
    }
    metrics.rows("claim", jobs.size());
    LOG.debugf("claimed %d deliveries", jobs.size());
    dispatch();
    if (jobs.size() == room) {
      wake();
    }
  }

  @Override
  public synchronized Reservation reserve(int rows) {
    if (stopping || !lock.held() || rows <= 0 || rows > capacity - held.size() - reserved) {
      return null;
    }
    reserved += rows;
    return new Reservation(owner, rows, config.delivery().lease());
  }

  @Override
  public void take(Reservation r, List<LeasedDelivery> rows) {
    synchronized (this) {
      reserved -= r.rows();
      if (stopping) {
        return; // like the rows held at shutdown: their leases expire, any instance claims them
      }
      for (LeasedDelivery d : rows) {
        if (held.add(d.deliveryId())) {
          queueOf(d.destination(), d.hosts())
              .jobs
              .add(
                  new DeliveryJob(
                      d.deliveryId(), d.postId(), d.destination(), d.hosts(), d.attempts()));
        }
      }
      metrics.inMemory(held.size());
    }
    metrics.rows("handoff", rows.size());
    dispatch();
  }

  @Override
  public synchronized void cancel(Reservation r) {
    reserved -= r.rows();
  }

  /** The queue of {@code destination}, made with its site on first sight (under the lock). */
  private DestinationQueue queueOf(String destination, List<String> hosts) {
    DestinationQueue q = queues.get(destination);
    if (q == null) {
      q = new DestinationQueue(this, destination, sites.siteFor(destination, hosts));
      queues.put(destination, q);
    }
    return q;
  }

  /** Starts runners where rows wait and limits allow; resumes and closes lingering ones. */
  void dispatch() {
    List<DestinationRunner> resume = new ArrayList<>();
    List<DestinationRunner> close = List.of();
    Map<Site, List<DeliveryJob>> postpone = new HashMap<>();
    Instant now = Instant.now();
    synchronized (this) {
      int max = config.delivery().maxConnections();
      boolean starved = false;
      Iterator<DestinationQueue> it = queues.values().iterator();
      while (it.hasNext()) {
        DestinationQueue q = it.next();
        int limit = q.site.connectionLimit(now);
        if (limit == 0 && !q.jobs.isEmpty()) {
          // Suspended: the rows wait in the database, not in memory under a running lease.
          List<DeliveryJob> rows = postpone.computeIfAbsent(q.site, x -> new ArrayList<>());
          rows.addAll(q.jobs);
          q.jobs.forEach(j -> held.remove(j.deliveryId()));
          q.jobs.clear();
        }
        if (!q.jobs.isEmpty() && q.lingering != null) {
          resume.add(q.lingering);
          q.lingering = null;
        }
        // Another connection only for more rows than runners: a runner finishing its row takes
        // the next one on its open session (rows of a busy destination arrive one by one).
        while (q.jobs.size() > q.active && q.siteHasRoom(limit) && connections < max) {
          q.active++;
          q.site.active++;
          q.site.taking++;
          connections++;
          new DestinationRunner(runnerContext, q).start();
        }
        if (!q.jobs.isEmpty() && q.active == 0 && q.siteHasRoom(limit)) {
          starved = true;
        }
        if (q.jobs.isEmpty() && q.active == 0) {
          it.remove();
        }
      }
      if (starved) {
        // Every slot is taken and some destination has none: idle connections give theirs up.
        close = takeLingering();
      }
      if (!postpone.isEmpty()) {
        metrics.inMemory(held.size());
      }
    }
    resume.forEach(DestinationRunner::resume);
    close.forEach(DestinationRunner::closeNow);
    // Off the caller's thread (a runner's event loop, the claim thread): one update per site.
    postpone.forEach(
        (site, rows) ->
            vertx.executeBlocking(
                () ->
                    sites.postpone(
                        site, rows.stream().map(DeliveryJob::deliveryId).toList(), owner),
                false));
  }

  /** A runner of {@code q} ended: its connection slot goes to whoever waits. */
  void runnerDone(DestinationQueue q) {
    synchronized (this) {
      q.active--;
      q.site.active--;
      connections--;
    }
    dispatch();
  }

  /** {@code job} leaves memory; a claim follows when the last one may have left due rows. */
  void jobDone(DeliveryJob job) {
    synchronized (this) {
      held.remove(job.deliveryId());
      metrics.inMemory(held.size());
    }
    if (moreDue.get()) {
      wake();
    }
  }
}
