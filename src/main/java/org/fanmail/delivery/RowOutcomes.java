package org.fanmail.delivery;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.shaping.Site;
import org.fanmail.tlspolicy.TlsUse;
import org.jboss.logging.Logger;

/**
 * Records the outcomes of one attempted delivery row for a {@link DestinationRunner}: deferrals
 * past the retry schedule's max-age become failures, the recipients of a mixed host-grouped row
 * that the runner split off (refused as relaying or by their TLS policy) fall back to rows per
 * domain, the site hears how the attempt went and may move the next attempt, and the store writes
 * it all in one transaction. A failure to record is logged and left to the row's lease: the
 * returned future always succeeds.
 */
final class RowOutcomes {
  // The runner's log category, as before this class was split out of it.
  private static final Logger LOG = Logger.getLogger(DestinationRunner.class);

  private RowOutcomes() {}

  /**
   * Records the outcomes of one row, and the TLS policy of the attempt's session when there was
   * one; {@code attempted}: they come from talking to the site (or failing to connect to it), so
   * the site hears how it went; {@code dead}: the destination could not be reached at all.
   */
  static Future<Void> record(
      RunnerContext ctx,
      Site site,
      DeliveryJob job,
      DeliveryStore.Attempt a,
      List<RecipientOutcome> raw,
      Set<Long> split,
      TlsUse tls,
      boolean attempted,
      boolean dead) {
    Instant now = Instant.now();
    List<RecipientOutcome> fallback = new ArrayList<>();
    boolean mixed = a.recipients().stream().map(r -> domainOf(r.email())).distinct().count() > 1;
    RetrySchedule retry = ctx.retry();
    boolean expired = retry.expired(a.receivedAt(), now);
    List<RecipientOutcome> outcomes = new ArrayList<>(raw.size());
    String lastReply = null;
    for (RecipientOutcome o : raw) {
      if (mixed && split.contains(o.position()) && !job.destination().equals(domainOf(o.email()))) {
        fallback.add(o);
        continue;
      }
      RecipientOutcome f = o;
      if (o.state() == State.DEFERRED && expired) {
        f =
            new RecipientOutcome(
                o.position(),
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
    return ctx.vertx()
        .executeBlocking(
            () -> {
              Instant next =
                  SiteFeedback.shape(ctx, site, outcomes, scheduled, attempted, dead, now);
              return ctx.store().finish(job, ctx.owner(), outcomes, fallback, next, reply, tls);
            },
            false)
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.warnf(
                    ar.cause(),
                    "post %d: outcomes of delivery %d not recorded; the row is retried after its"
                        + " lease",
                    job.postId(),
                    job.deliveryId());
                return Future.succeededFuture();
              }
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
              return Future.succeededFuture();
            });
  }

  /** The recipients of {@code all} that {@code acc} has no outcome for yet. */
  static List<Recipient> unsent(List<Recipient> all, List<RecipientOutcome> acc) {
    Set<Long> done = new HashSet<>();
    acc.forEach(o -> done.add(o.position()));
    List<Recipient> rest = new ArrayList<>(all);
    rest.removeIf(r -> done.contains(r.position()));
    return rest;
  }

  static List<RecipientOutcome> decideAll(List<Recipient> rs, State s, String reason) {
    List<RecipientOutcome> out = new ArrayList<>(rs.size());
    String status = RecipientOutcome.statusOf(reason);
    for (Recipient r : rs) {
      out.add(new RecipientOutcome(r.position(), r.email(), s, reason, status));
    }
    return out;
  }

  static String domainOf(String email) {
    return email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }
}
