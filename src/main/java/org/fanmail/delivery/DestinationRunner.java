package org.fanmail.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.Destination;
import org.fanmail.fanout.HostPort;
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
 * <p>When no candidate host can be reached, the row is deferred with the reason and so is every
 * further row this runner takes for the destination, without another connect attempt: a dead
 * destination costs one round of connection timeouts, not one per row.
 */
final class DestinationRunner {
  private static final Logger LOG = Logger.getLogger(DestinationRunner.class);

  private final RunnerContext ctx;
  private final RunnerQueue queue;
  private final Context context;
  private OutboundSession session;
  private String deadReason;
  private long lingerTimer = -1;
  private long lingerGeneration;

  DestinationRunner(RunnerContext ctx, RunnerQueue queue) {
    this.ctx = ctx;
    this.queue = queue;
    this.context = ctx.vertx().getOrCreateContext();
  }

  void start() {
    context.runOnContext(v -> nextJob());
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
    closing.onComplete(ar -> queue.runnerDone());
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
                finish(job, w.attempt(), List.of());
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
      finish(job, a, decideAll(a.recipients(), State.DEFERRED, deadReason));
      return;
    }
    hostsOf(job)
        .onComplete(
            hr -> {
              if (hr.failed()) {
                finish(job, a, decideAll(a.recipients(), State.DEFERRED, msg(hr.cause())));
                return;
              }
              Destination d = hr.result();
              if (!d.routable()) {
                State s =
                    d.outcome() == Destination.Outcome.PERMANENT ? State.FAILED : State.DEFERRED;
                finish(job, a, decideAll(a.recipients(), s, d.reason()));
                return;
              }
              List<RecipientOutcome> acc = new ArrayList<>();
              Set<Long> relay = new HashSet<>();
              sendAll(job, d.hosts(), m, a.recipients(), acc, relay, 0)
                  .onComplete(
                      sr -> {
                        if (sr.failed()) {
                          // Nothing could be sent: not even a connection.
                          deadReason = "4.4.1 " + msg(sr.cause());
                          List<RecipientOutcome> all = new ArrayList<>(acc);
                          List<Recipient> rest = new ArrayList<>(a.recipients());
                          rest.removeIf(r -> acc.stream().anyMatch(o -> o.recipientId() == r.id()));
                          all.addAll(decideAll(rest, State.DEFERRED, deadReason));
                          LOG.infof(
                              "post %d: delivery %d to %s deferred: %s",
                              job.postId(), job.deliveryId(), job.destination(), deadReason);
                          finish(job, a, all, relay);
                        } else {
                          finish(job, a, acc, relay);
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
      PreparedMessage m,
      List<Recipient> rcpts,
      List<RecipientOutcome> acc,
      Set<Long> relay,
      int round) {
    if (rcpts.isEmpty() || round > acc.size() + rcpts.size()) {
      return Future.succeededFuture();
    }
    return session(hosts)
        .compose(s -> s.deliver(m, rcpts))
        .compose(
            result -> {
              acc.addAll(result.outcomes());
              relay.addAll(result.relayRefused());
              if (!result.unattempted().isEmpty()) {
                Future<Void> q = session == null ? Future.succeededFuture() : session.quit();
                session = null;
                return q.compose(
                    v -> sendAll(job, hosts, m, result.unattempted(), acc, relay, round + 1));
              }
              return Future.succeededFuture();
            });
  }

  private Future<OutboundSession> session(List<HostPort> hosts) {
    if (session != null && session.usable()) {
      return Future.succeededFuture(session);
    }
    if (session != null) {
      session.quit();
      session = null;
    }
    return OutboundConnector.open(ctx.vertx(), ctx.client(), hosts, ctx.session())
        .onSuccess(s -> session = s);
  }

  /** The row's hosts, or a fresh resolution when expansion could not resolve its domain. */
  private Future<Destination> hostsOf(DeliveryJob job) {
    if (!job.hosts().isEmpty()) {
      List<HostPort> hosts = new ArrayList<>();
      for (String h : job.hosts()) {
        hosts.add(HostPort.parse(h, ctx.defaultPort()));
      }
      return Future.succeededFuture(Destination.of(hosts));
    }
    return blocking(() -> ctx.resolver().resolve(job.destination()));
  }

  private void finish(DeliveryJob job, DeliveryStore.Attempt a, List<RecipientOutcome> raw) {
    finish(job, a, raw, Set.of());
  }

  private void finish(
      DeliveryJob job, DeliveryStore.Attempt a, List<RecipientOutcome> raw, Set<Long> relay) {
    Instant now = Instant.now();
    List<RecipientOutcome> fallback = new ArrayList<>();
    boolean mixed = a.recipients().stream().map(r -> domainOf(r.email())).distinct().count() > 1;
    RetrySchedule retry = ctx.retry();
    boolean expired = retry.expired(a.receivedAt(), now);
    List<RecipientOutcome> outcomes = new ArrayList<>(raw.size());
    String lastReply = null;
    for (RecipientOutcome o : raw) {
      if (mixed
          && relay.contains(o.recipientId())
          && !job.destination().equals(domainOf(o.email()))) {
        fallback.add(o);
        continue;
      }
      RecipientOutcome f = o;
      if (o.state() == State.DEFERRED && expired) {
        f =
            new RecipientOutcome(
                o.recipientId(),
                o.email(),
                State.FAILED,
                "gave up after max-age " + retry.maxAge() + ": " + o.reply(),
                o.status());
      }
      if (f.state() != State.DELIVERED && lastReply == null) {
        lastReply = f.reply();
      }
      outcomes.add(f);
    }
    if (lastReply == null && !outcomes.isEmpty()) {
      lastReply = outcomes.get(outcomes.size() - 1).reply();
    }
    Instant next = now.plus(retry.delayAfter(job.attempts()));
    String reply = lastReply;
    blocking(() -> ctx.store().finish(job, ctx.owner(), outcomes, fallback, next, reply))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warnf(
                    ar.cause(),
                    "post %d: outcomes of delivery %d not recorded; the row is retried after its"
                        + " lease",
                    job.postId(),
                    job.deliveryId());
              } else {
                log(job, outcomes, ar.result());
                if (ar.result().fellBack() > 0) {
                  LOG.infof(
                      "post %d: delivery %d to %s: %d recipients refused as relaying fall back to"
                          + " transactions per domain (%s)",
                      job.postId(),
                      job.deliveryId(),
                      job.destination(),
                      ar.result().fellBack(),
                      fallback.get(0).reply());
                }
                for (RecipientOutcome o : outcomes) {
                  ctx.metrics().recipient(o.state());
                }
                ar.result()
                    .postDoneReceivedAt()
                    .ifPresent(
                        r -> {
                          ctx.metrics().postDone(Duration.between(r, Instant.now()));
                          LOG.info("post " + job.postId() + ": done");
                        });
              }
              done(job);
            });
  }

  private void log(DeliveryJob job, List<RecipientOutcome> outcomes, DeliveryStore.Finished f) {
    int delivered = 0;
    int deferred = 0;
    int failed = 0;
    for (RecipientOutcome o : outcomes) {
      switch (o.state()) {
        case DELIVERED -> delivered++;
        case DEFERRED -> deferred++;
        case FAILED -> failed++;
      }
    }
    // Concatenated, not infof: java.util.Formatter on every transaction's line was a visible share
    // of a small-post workload's CPU (the same for the other per-post lines).
    LOG.info(
        "post "
            + job.postId()
            + ": delivery "
            + job.deliveryId()
            + " to "
            + job.destination()
            + ": "
            + delivered
            + " delivered, "
            + deferred
            + " deferred, "
            + failed
            + " failed; row "
            + (f.deliveryState() == null ? "no longer ours" : f.deliveryState()));
  }

  private void done(DeliveryJob job) {
    queue.jobDone(job);
    nextJob();
  }

  private static List<RecipientOutcome> decideAll(List<Recipient> rs, State s, String reason) {
    List<RecipientOutcome> out = new ArrayList<>(rs.size());
    String status = RecipientOutcome.statusOf(reason);
    for (Recipient r : rs) {
      out.add(new RecipientOutcome(r.id(), r.email(), s, reason, status));
    }
    return out;
  }

  private static String domainOf(String email) {
    return email.substring(email.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  private static String msg(Throwable e) {
    return OutboundConnector.messageOf(e);
  }
}
