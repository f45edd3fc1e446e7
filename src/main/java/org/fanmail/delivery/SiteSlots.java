package org.fanmail.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.fanmail.shaping.ConnectionSlots;
import org.fanmail.shaping.ConnectionSlots.Slot;
import org.fanmail.shaping.Site;

/**
 * A runner's side of its site's cluster-wide connection slots ({@link ConnectionSlots}): the slot
 * it takes before its first connection and gives back after its last, and the wait for one when
 * every slot is held. A waiting runner is woken at once when a runner of this instance gives a slot
 * of its site back, and otherwise tries again after {@link #POLL_MILLIS} (a slot given back or
 * lapsed on another instance is not announced): one statement a poll, since the scheduler lets one
 * runner per site wait at a time. Thread-safe; the JDBC work runs on worker threads.
 */
final class SiteSlots {
  /** How soon a runner waiting for a slot tries again when nobody of this instance woke it. */
  static final long POLL_MILLIS = 500;

  private final Vertx vertx;
  private final ConnectionSlots slots;
  private final String owner;
  private final Map<String, List<Runnable>> waiting = new ConcurrentHashMap<>();

  SiteSlots(Vertx vertx, ConnectionSlots slots, String owner) {
    this.vertx = vertx;
    this.slots = slots;
    this.owner = owner;
  }

  /**
   * Takes a slot of {@code queue}'s site for a runner about to connect, waiting while every slot is
   * held; {@code then} gets it on the runner's {@code context}. When the queue no longer wants
   * another connection (other runners took its rows, the site was suspended, shutdown) the wait
   * ends with {@code giveUp}. Either way the scheduler hears that the runner is done taking ({@link
   * RunnerQueue#slotSettled}), so it may start the site's next runner.
   */
  void acquire(RunnerQueue queue, Context context, Consumer<Slot> then, Runnable giveUp) {
    if (!queue.wantsConnection()) {
      queue.slotSettled();
      giveUp.run();
      return;
    }
    take(queue.site())
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().isPresent()) {
                queue.slotSettled();
                then.accept(ar.result().get());
              } else {
                await(
                    queue.site(),
                    () -> context.runOnContext(v -> acquire(queue, context, then, giveUp)));
              }
            });
  }

  /** A slot of {@code site} below its limit now, or empty when all are held (off the loop). */
  Future<Optional<Slot>> take(Site site) {
    int limit = site.connectionLimit(Instant.now());
    return vertx.executeBlocking(() -> slots.take(site, limit, owner), false);
  }

  /**
   * Runs {@code retry} when a runner of this instance gives a slot of {@code site} back, or after
   * {@link #POLL_MILLIS}, whichever comes first (once).
   */
  void await(Site site, Runnable retry) {
    Runnable once =
        new Runnable() {
          private boolean ran;

          @Override
          public void run() {
            synchronized (this) {
              if (ran) {
                return;
              }
              ran = true;
            }
            retry.run();
          }
        };
    waiting.compute(
        site.key(),
        (k, list) -> {
          List<Runnable> l = list == null ? new ArrayList<>() : list;
          l.add(once);
          return l;
        });
    vertx.setTimer(
        POLL_MILLIS,
        id -> {
          waiting.computeIfPresent(
              site.key(),
              (k, list) -> {
                list.remove(once);
                return list.isEmpty() ? null : list;
              });
          once.run();
        });
  }

  /**
   * Gives {@code slot} back (off the loop) and wakes the runners of this instance waiting for one.
   */
  Future<Void> release(Slot slot) {
    if (slot == null) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () -> {
              slots.release(slot, owner);
              return null;
            },
            false)
        .transform(
            ar -> {
              List<Runnable> woken = waiting.remove(slot.site());
              if (woken != null) {
                woken.forEach(Runnable::run);
              }
              return Future.<Void>succeededFuture();
            });
  }

  /**
   * Milliseconds before the next connection to {@code site} (its cluster-wide rate; off the loop).
   */
  Future<Long> connectWait(Site site) {
    if (site.profile().connectionsPerMinute() <= 0) {
      return Future.succeededFuture(0L);
    }
    return vertx.executeBlocking(() -> slots.connectWait(site, Instant.now()), false);
  }
}
