package org.fanmail.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.shaping.Reply;
import org.fanmail.shaping.Site;

/**
 * What a {@link DestinationRunner} asks of its {@link Site} and tells it: when the next message may
 * go (the site's cluster-wide bucket), how a row went (the site's window and reply rules), and when
 * the row's deferred recipients are tried again. Stateless; a database failure inside {@code Sites}
 * is logged there and never stops a row.
 */
final class SiteFeedback {
  /** Distinct replies of one row that the site's rules look at (a row has one reply, mostly). */
  static final int REPLIES_PER_ROW = 3;

  private SiteFeedback() {}

  /** Waits for the site's rate: its bucket says when {@code n} messages may go. */
  static Future<Void> pace(RunnerContext ctx, Site site, int n) {
    if (site.messagesPerMinute(Instant.now()) <= 0) {
      return Future.succeededFuture();
    }
    return ctx.vertx()
        .executeBlocking(() -> ctx.sites().takeTokens(site, n, Instant.now()), false)
        .compose(ms -> sleep(ctx, ms));
  }

  /** Completes after {@code millis} (at once for none), on a timer, not a blocked thread. */
  static Future<Void> sleep(RunnerContext ctx, long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    ctx.vertx().setTimer(millis, id -> p.complete());
    return p.future();
  }

  /**
   * Tells the site how a row went (when it was {@code attempted}: sent, or its connection failed)
   * and says when its deferred recipients are tried again: {@code scheduled}, or sooner when a
   * reply asked us to slow down (the site opens again before the retry schedule's next step). On a
   * worker thread: a change of the site's state is written for the cluster.
   */
  static Instant shape(
      RunnerContext ctx,
      Site site,
      List<RecipientOutcome> outcomes,
      Instant scheduled,
      boolean attempted,
      boolean connectionFailed,
      Instant now) {
    boolean delivered = false;
    boolean deferred = false;
    List<Reply> replies = new ArrayList<>(REPLIES_PER_ROW);
    Set<String> seen = new HashSet<>();
    for (RecipientOutcome o : outcomes) {
      if (o.state() == State.DELIVERED) {
        delivered = true;
        continue;
      }
      deferred |= o.state() == State.DEFERRED;
      if (replies.size() < REPLIES_PER_ROW && o.reply() != null && seen.add(o.reply())) {
        replies.add(Reply.parse(o.reply()));
      }
    }
    if (attempted && !outcomes.isEmpty()) {
      // A failure for the window: nothing taken, because the connection failed or all deferred
      // (a 5xx for every recipient says nothing about the site's capacity).
      boolean failed = !delivered && (connectionFailed || deferred);
      ctx.sites().persist(site, site.observe(delivered, failed, replies, now));
    }
    Instant next = scheduled;
    if (deferred) {
      for (Reply r : replies) {
        Instant at = site.retryAt(r, scheduled, now);
        if (at.isBefore(next)) {
          next = at;
        }
      }
    }
    return next;
  }
}
