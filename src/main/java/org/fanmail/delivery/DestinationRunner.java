package org.fanmail.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.Destination;
import org.fanmail.fanout.HostPort;
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
 * <p>The destination's {@link Site} shapes the sending: at most its recipients per transaction in
 * one transaction, its messages per connection on one session, new connections no faster than its
 * connection rate, and each transaction paced by the site's cluster-wide messages-per-minute
 * bucket. Every attempted row tells the site how it went (its concurrency window and reply rules);
 * a recipient deferred with a reply that one of the site's rules matches is retried when the site
 * opens again, if that is sooner than its retry schedule.
 */
final class DestinationRunner {
  private static final Logger LOG = Logger.getLogger(DestinationRunner.class);

  /** A refusal by a TLS policy: it carries its own status (4.7.x). */
  private static final String BY_POLICY = "4\\.7\\.\\d{1,3} .*";

  private final RunnerContext ctx;
  private final RunnerQueue queue;
  private final Context context;
  private OutboundSession session;

  /** Transactions written on {@link #session} (for the site's messages per connection). */
  private int sessionTransactions;

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
      finish(job, a, decideAll(a.recipients(), State.DEFERRED, deadReason), Set.of(), null, false);
      return;
    }
    hostsOf(job)
        .onComplete(
            hr -> {
              if (hr.failed()) {
                finish(
                    job,
                    a,
                    decideAll(a.recipients(), State.DEFERRED, msg(hr.cause())),
                    Set.of(),
                    null,
                    false);
                return;
              }
              Destination d = hr.result();
              if (!d.routable()) {
                State s =
                    d.outcome() == Destination.Outcome.PERMANENT ? State.FAILED : State.DEFERRED;
                finish(job, a, decideAll(a.recipients(), s, d.reason()), Set.of(), null, false);
                return;
              }
              List<RecipientOutcome> acc = new ArrayList<>();
              Set<Long> relay = new HashSet<>();
              Function<HostPort, Future<HostTls>> policies = ctx.tlsFor(a.recipients());
              sendAll(job, d.hosts(), policies, m, a.recipients(), acc, relay, 0)
                  .recover(
                      e ->
                          withoutRefusingDomains(
                              job, d.hosts(), m, unsent(a.recipients(), acc), acc, relay, e))
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
                          boolean byPolicy = why.matches(BY_POLICY);
                          String reason = byPolicy ? why : "4.4.1 " + why;
                          deadReason = byPolicy ? null : reason;
                          List<RecipientOutcome> all = new ArrayList<>(acc);
                          List<Recipient> rest = unsent(a.recipients(), acc);
                          all.addAll(decideAll(rest, State.DEFERRED, reason));
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
   * After a TLS policy refused every host of a row of several domains: the domains whose own policy
   * refuses every host leave the row (into {@code split}, deferred with their refusal, to fall back
   * to rows of their own in {@link #finish}) and the others are sent now. Anyone can publish an
   * MTA-STS policy for a domain hosted by a big provider; without this, one such domain would hold
   * back every other domain sharing the row. Fails with {@code refusal} when it does not apply (not
   * a policy refusal, one domain, or no domain or every domain refusing alone).
   */
  private Future<Void> withoutRefusingDomains(
      DeliveryJob job,
      List<HostPort> hosts,
      PreparedMessage m,
      List<Recipient> rest,
      List<RecipientOutcome> acc,
      Set<Long> split,
      Throwable refusal) {
    Map<String, List<Recipient>> byDomain = new LinkedHashMap<>();
    for (Recipient r : rest) {
      byDomain.computeIfAbsent(domainOf(r.email()), k -> new ArrayList<>()).add(r);
    }
    if (!msg(refusal).matches(BY_POLICY) || byDomain.size() < 2) {
      return Future.failedFuture(refusal);
    }
    List<String> domains = new ArrayList<>(byDomain.keySet());
    List<Future<String>> checks = new ArrayList<>(domains.size());
    for (String domain : domains) {
      // A look-up that fails says nothing against the domain: it stays in the row.
      checks.add(refusalOf(ctx.tlsFor(byDomain.get(domain)), hosts, 0, null).otherwise(e -> null));
    }
    return Future.join(checks)
        .transform(
            done -> {
              List<Recipient> allowed = new ArrayList<>();
              for (int i = 0; i < domains.size(); i++) {
                // The row's own domain cannot fall back to a row of its own: it stays deferred.
                if (checks.get(i).result() == null || domains.get(i).equals(job.destination())) {
                  allowed.addAll(byDomain.get(domains.get(i)));
                }
              }
              if (allowed.isEmpty() || allowed.size() == rest.size()) {
                return Future.failedFuture(refusal);
              }
              for (int i = 0; i < domains.size(); i++) {
                String why = checks.get(i).result();
                if (why != null && !domains.get(i).equals(job.destination())) {
                  List<Recipient> refused = byDomain.get(domains.get(i));
                  acc.addAll(decideAll(refused, State.DEFERRED, why));
                  refused.forEach(r -> split.add(r.id()));
                }
              }
              return sendAll(job, hosts, ctx.tlsFor(allowed), m, allowed, acc, split, 0);
            });
  }

  /** The refusal of the last host when {@code policies} refuse every one, else null. */
  private static Future<String> refusalOf(
      Function<HostPort, Future<HostTls>> policies, List<HostPort> hosts, int i, String last) {
    if (i >= hosts.size()) {
      return Future.succeededFuture(last);
    }
    return policies
        .apply(hosts.get(i))
        .compose(
            p ->
                p.usable()
                    ? Future.succeededFuture(null)
                    : refusalOf(policies, hosts, i + 1, p.refusal()));
  }

  private static List<Recipient> unsent(List<Recipient> all, List<RecipientOutcome> acc) {
    Set<Long> done = new HashSet<>();
    acc.forEach(o -> done.add(o.recipientId()));
    List<Recipient> rest = new ArrayList<>(all);
    rest.removeIf(r -> done.contains(r.id()));
    return rest;
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
                open.quit();
                if (session == open) {
                  session = null;
                }
                return connect(hosts, policies, site);
              });
    }
    if (session != null) {
      session.quit();
      session = null;
    }
    return connect(hosts, policies, site);
  }

  /** A new session, once the site's connection rate allows one. */
  private Future<OutboundSession> connect(
      List<HostPort> hosts, Function<HostPort, Future<HostTls>> policies, Site site) {
    sessionTransactions = 0;
    return SiteFeedback.sleep(ctx, site.connectWait(Instant.now()))
        .compose(
            v -> OutboundConnector.open(ctx.vertx(), ctx.client(), hosts, ctx.session(), policies))
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

  /**
   * Records the outcomes of one row, and the TLS policy of the attempt's session when there was
   * one; {@code attempted}: they come from talking to the site (or failing to connect to it), so
   * the site hears how it went.
   */
  private void finish(
      DeliveryJob job,
      DeliveryStore.Attempt a,
      List<RecipientOutcome> raw,
      Set<Long> relay,
      TlsUse tls,
      boolean attempted) {
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
    Instant scheduled = now.plus(retry.delayAfter(job.attempts()));
    String reply = lastReply;
    Site site = queue.site();
    blocking(
            () -> {
              Instant next =
                  SiteFeedback.shape(
                      ctx, site, outcomes, scheduled, attempted, deadReason != null, now);
              return ctx.store().finish(job, ctx.owner(), outcomes, fallback, next, reply, tls);
            })
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
                OutcomeLog.row(job, outcomes, ar.result());
                if (ar.result().fellBack() > 0) {
                  LOG.infof(
                      "post %d: delivery %d to %s: %d recipients refused as relaying or by their"
                          + " TLS policy fall back to transactions per domain (%s)",
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
