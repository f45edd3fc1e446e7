package org.fanmail.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.impl.VertxInternal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.Destination;
import org.fanmail.fanout.HostPort;
import org.fanmail.shaping.ConnectionSlots;
import org.fanmail.shaping.Site;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsUse;
import org.jboss.logging.Logger;

/**
 * One connection's worth of work for one destination: takes that destination's claimed rows one
 * after another, sends each over the same session (a new one when the server's MAILMAX is reached
 * or the connection is lost), and records every outcome. Runs on its own event-loop context; JDBC
 * and DNS go to worker threads.
 *
 * <p>A row grouped by host (its destination is a host, not the recipient's domain) that mixes
 * several domains, and whose recipients some RCPT refused as relaying, does not fail them: their
 * domains fall back to delivery rows of their own ({@code DeliveryQueries.SPLIT_TO_DOMAINS}),
 * retried as separate transactions. A row of one domain fails such recipients as usual, so the
 * fallback happens at most once.
 *
 * <p>Each candidate host gets its TLS policy for the row's recipient domains ({@link
 * RunnerContext#tlsFor}); an open session serves the next row only under an equal policy. The
 * policy of the attempt's session (or of the host that refused) is recorded with the outcomes. A
 * row whose hosts its TLS policy refused is deferred with that reason alone (the refusal depends on
 * the row's domains, so it does not mark the destination dead). In a host-grouped row of several
 * domains, the domains whose own policy refuses every host fall back to rows of their own like
 * relay refusals (deferred there with the refusal) and the row's other domains are sent at once.
 *
 * <p>When no candidate host can be reached, the row is deferred with the reason and so is every
 * further row this runner takes for the destination, without another connect attempt: a dead
 * destination costs one round of connection timeouts, not one per row.
 *
 * <p>The destination's {@link Site} shapes the sending: the runner holds one of the site's
 * cluster-wide connection slots from before its first connection to after its last ({@link
 * SiteSlots}), at most its recipients per transaction in one transaction, its messages per
 * connection on one session, new connections no faster than its cluster-wide connection rate, and
 * each transaction paced by the site's cluster-wide messages-per-minute bucket. Every attempted row
 * tells the site how it went (its concurrency window and reply rules); a recipient deferred with a
 * reply that one of the site's rules matches is retried when the site opens again, if that is
 * sooner than its retry schedule.
 */
final class DestinationRunner {
  private static final Logger LOG = Logger.getLogger(DestinationRunner.class);

  private final RunnerContext ctx;
  private final RunnerQueue queue;
  private final Context context;
  private OutboundSession session;

  /** Transactions written on {@link #session} (for the site's messages per connection). */
  private int sessionTransactions;

  /** The site's cluster-wide connection slot this runner holds from start to close. */
  private ConnectionSlots.Slot slot;

  private String deadReason;
  private long lingerTimer = -1;
  private long lingerGeneration;

  DestinationRunner(RunnerContext ctx, RunnerQueue queue) {
    this.ctx = ctx;
    this.queue = queue;
    // A context of its own on the next event loop (round robin): the runners a post starts
    // together spread over the event loops, where the context of the thread that started them
    // (the expander's) put every session of the post on one.
    this.context = ((VertxInternal) ctx.vertx()).createEventLoopContext();
  }

  /** Takes a connection slot of the site (waiting for one), then works through the rows. */
  void start() {
    context.runOnContext(
        v ->
            ctx.slots()
                .acquire(
                    queue,
                    context,
                    s -> {
                      slot = s;
                      nextJob();
                    },
                    this::close));
  }

  /** Rows arrived while this runner lingered: go on with the same session. */
  void resume() {
    context.runOnContext(
        v -> {
          lingerGeneration++;
          ctx.vertx().cancelTimer(lingerTimer);
          nextJob();
        });
  }

  /** The lingering ends at once (shutdown, or another destination needs the slot). */
  void closeNow() {
    context.runOnContext(
        v -> {
          lingerGeneration++;
          ctx.vertx().cancelTimer(lingerTimer);
          close();
        });
  }

  /** Says QUIT if a session is open and hands the connection slot back. */
  private void close() {
    Future<Void> closing = session == null ? Future.succeededFuture() : session.quit();
    session = null;
    ConnectionSlots.Slot held = slot;
    slot = null;
    closing.onComplete(ar -> ctx.slots().release(held).onComplete(r -> queue.runnerDone()));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return ctx.vertx().executeBlocking(work, false);
  }

  private void nextJob() {
    DeliveryJob job = queue.next();
    if (job == null) {
      boolean open = session != null && session.usable() && deadReason == null;
      switch (queue.idle(this, open)) {
        case WORK -> nextJob();
        case LINGER -> {
          // A timer of an earlier linger may already be on its way: it must not end this one.
          long generation = ++lingerGeneration;
          lingerTimer =
              ctx.vertx()
                  .setTimer(
                      ctx.lingerMillis(),
                      id -> {
                        if (generation == lingerGeneration && queue.lingerEnded(this)) {
                          close();
                        }
                      });
        }
        case CLOSE -> close();
      }
      return;
    }
    blocking(
            () -> {
              // A post not built yet (the first transaction of each small post) is read with
              // the lease check, in one statement.
              boolean withPost = !ctx.messages().has(job.postId());
              Optional<DeliveryStore.Attempt> a =
                  ctx.store().begin(job, ctx.owner(), ctx.lease(), withPost);
              if (a.isEmpty() || a.get().recipients().isEmpty()) {
                return new Work(a.orElse(null), null);
              }
              return new Work(
                  a.get(),
                  ctx.messages()
                      .get(job.postId(), a.get().receivedAt(), a.get().post())
                      .map(m -> m.preparedFor(a.get().recipients()))
                      .orElse(null));
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warnf(
                    ar.cause(),
                    "post %d: delivery %d could not be started; its lease will expire",
                    job.postId(),
                    job.deliveryId());
                done(job);
                return;
              }
              Work w = ar.result();
              if (w.attempt() == null) {
                done(job);
              } else if (w.attempt().recipients().isEmpty()) {
                finish(job, w.attempt(), List.of(), Set.of(), null, false);
              } else if (w.message() == null) {
                LOG.warnf(
                    "post %d: delivery %d has no message (post or list gone); lease left to expire",
                    job.postId(), job.deliveryId());
                done(job);
              } else {
                attempt(job, w.attempt(), w.message());
              }
            });
  }

  private record Work(DeliveryStore.Attempt attempt, PreparedMessage message) {}

  private void attempt(DeliveryJob job, DeliveryStore.Attempt a, PreparedMessage m) {
    if (deadReason != null) {
      finish(
          job,
          a,
          RowOutcomes.decideAll(a.recipients(), State.DEFERRED, deadReason),
          Set.of(),
          null,
          false);
      return;
    }
    ctx.hostsOf(job)
        .onComplete(
            hr -> {
              if (hr.failed()) {
                finish(
                    job,
                    a,
                    RowOutcomes.decideAll(a.recipients(), State.DEFERRED, msg(hr.cause())),
                    Set.of(),
                    null,
                    false);
                return;
              }
              Destination d = hr.result();
              if (!d.routable()) {
                State s =
                    d.outcome() == Destination.Outcome.PERMANENT ? State.FAILED : State.DEFERRED;
                finish(
                    job,
                    a,
                    RowOutcomes.decideAll(a.recipients(), s, d.reason()),
                    Set.of(),
                    null,
                    false);
                return;
              }
              List<RecipientOutcome> acc = new ArrayList<>();
              Set<Long> relay = new HashSet<>();
              Function<HostPort, Future<HostTls>> policies = ctx.tlsFor(a.recipients());
              sendAll(job, d.hosts(), policies, m, a.recipients(), acc, relay, 0)
                  .recover(
                      e ->
                          RefusingDomains.sendOthers(
                              ctx,
                              job.destination(),
                              d.hosts(),
                              RowOutcomes.unsent(a.recipients(), acc),
                              acc,
                              relay,
                              e,
                              allowed ->
                                  sendAll(
                                      job,
                                      d.hosts(),
                                      ctx.tlsFor(allowed),
                                      m,
                                      allowed,
                                      acc,
                                      relay,
                                      0)))
                  .onComplete(
                      sr -> {
                        TlsUse tls =
                            sr.succeeded()
                                ? (session == null ? null : session.tls())
                                : sr.cause() instanceof ConnectFailure cf ? cf.tls() : null;
                        if (sr.failed()) {
                          // Nothing could be sent: not even a connection.
                          // A TLS policy's refusal carries its own status (4.7.x) and concerns
                          // this row's domains: the runner's next rows, other domains, still try.
                          String why = msg(sr.cause());
                          boolean byPolicy = why.matches(RefusingDomains.BY_POLICY);
                          String reason = byPolicy ? why : "4.4.1 " + why;
                          deadReason = byPolicy ? null : reason;
                          List<RecipientOutcome> all = new ArrayList<>(acc);
                          List<Recipient> rest = RowOutcomes.unsent(a.recipients(), acc);
                          all.addAll(RowOutcomes.decideAll(rest, State.DEFERRED, reason));
                          LOG.infof(
                              "post %d: delivery %d to %s deferred: %s",
                              job.postId(), job.deliveryId(), job.destination(), reason);
                          finish(job, a, all, relay, tls, true);
                        } else {
                          finish(job, a, acc, relay, tls, true);
                        }
                      });
            });
  }

  /**
   * Sends to {@code rcpts}, opening sessions as needed (a new one each time MAILMAX leaves some
   * unattempted); bounded by the number of recipients of the row, since every round attempts at
   * least one.
   */
  private Future<Void> sendAll(
      DeliveryJob job,
      List<HostPort> hosts,
      Function<HostPort, Future<HostTls>> policies,
      PreparedMessage m,
      List<Recipient> rcpts,
      List<RecipientOutcome> acc,
      Set<Long> relay,
      int round) {
    if (rcpts.isEmpty() || round > acc.size() + rcpts.size()) {
      return Future.succeededFuture();
    }
    Site site = queue.site();
    int per = site.profile().recipientsPerTransaction();
    int perConnection = site.profile().messagesPerConnection();
    if (m.personalized() && perConnection > 0) {
      // One transaction per recipient: the session's budget bounds the batch, so that a fresh
      // connection is opened after messages-per-connection transactions, not after the row.
      boolean fresh = session == null || sessionTransactions >= perConnection;
      per = Math.min(per, fresh ? perConnection : perConnection - sessionTransactions);
    }
    List<Recipient> batch = rcpts.size() > per ? rcpts.subList(0, per) : rcpts;
    List<Recipient> rest = rcpts.size() > per ? rcpts.subList(per, rcpts.size()) : List.of();
    int messages = m.personalized() ? batch.size() : 1;
    return SiteFeedback.pace(ctx, site, messages)
        .compose(v -> session(hosts, policies, site))
        .compose(s -> s.deliver(m, batch))
        .compose(
            result -> {
              site.sent(messages, Instant.now());
              sessionTransactions += messages;
              acc.addAll(result.outcomes());
              relay.addAll(result.relayRefused());
              if (!result.unattempted().isEmpty()) {
                List<Recipient> next = new ArrayList<>(result.unattempted());
                next.addAll(rest);
                Future<Void> q = session == null ? Future.succeededFuture() : session.quit();
                session = null;
                return q.compose(
                    v -> sendAll(job, hosts, policies, m, next, acc, relay, round + 1));
              }
              if (!rest.isEmpty()) {
                return sendAll(
                    job, hosts, policies, m, new ArrayList<>(rest), acc, relay, round + 1);
              }
              return Future.succeededFuture();
            });
  }

  private Future<OutboundSession> session(
      List<HostPort> hosts, Function<HostPort, Future<HostTls>> policies, Site site) {
    int perConnection = site.profile().messagesPerConnection();
    if (session != null
        && session.usable()
        && (perConnection == 0 || sessionTransactions < perConnection)) {
      // The open session serves this row only under the same TLS policy: the row may be for
      // domains whose policy asks more (or refuses the host).
      OutboundSession open = session;
      return policies
          .apply(open.host())
          .transform(
              p -> {
                if (p.succeeded() && p.result().equals(open.policy()) && open.usable()) {
                  return Future.succeededFuture(open);
                }
                if (session == open) {
                  session = null;
                }
                // The next connection only after this one closed: one slot, one connection.
                return open.quit().compose(v -> connect(hosts, policies, site));
              });
    }
    Future<Void> closing = session == null ? Future.succeededFuture() : session.quit();
    session = null;
    return closing.compose(v -> connect(hosts, policies, site));
  }

  /** A new session, once the site's connection rate allows one. */
  private Future<OutboundSession> connect(
      List<HostPort> hosts, Function<HostPort, Future<HostTls>> policies, Site site) {
    sessionTransactions = 0;
    return ctx.slots()
        .connectWait(site)
        .compose(ms -> SiteFeedback.sleep(ctx, ms))
        .compose(
            v -> OutboundConnector.open(ctx.vertx(), ctx.client(), hosts, ctx.session(), policies))
        .onSuccess(s -> session = s);
  }

  /** Records the row's outcomes ({@link RowOutcomes}), then takes the next row. */
  private void finish(
      DeliveryJob job,
      DeliveryStore.Attempt a,
      List<RecipientOutcome> raw,
      Set<Long> split,
      TlsUse tls,
      boolean attempted) {
    RowOutcomes.record(ctx, queue.site(), job, a, raw, split, tls, attempted, deadReason != null)
        .onComplete(v -> done(job));
  }

  private void done(DeliveryJob job) {
    queue.jobDone(job);
    nextJob();
  }

  private static String msg(Throwable e) {
    return OutboundConnector.messageOf(e);
  }
}
