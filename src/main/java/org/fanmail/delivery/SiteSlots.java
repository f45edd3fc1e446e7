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
 *
 * <p>A slot given back is kept by this instance for {@link #KEEP_MILLIS} before its row is freed:
 * the next runner of the site on this instance (the next post's connection to the same host, a
 * second later) takes it without a statement, and only a slot still kept unused when that time is
 * up costs the release statement. A kept slot stays in {@link ConnectionSlots#held} (renewed by the
 * scan) and counts for the site's limit like one in use, so another instance may wait up to that
 * long more for it; a kept slot numbered at or above the site's limit now (its window shrank) is
 * not taken again and is freed when its time is up. At shutdown the kept slots are not given back
 * one by one: the instance lock ends with the process, which frees them for the others.
 */
final class SiteSlots {
  /** How soon a runner waiting for a slot tries again when nobody of this instance woke it. */
  static final long POLL_MILLIS = 500;

  /** How long a slot given back is kept for this instance's next runner of the site. */
  static final long KEEP_MILLIS = 2000;

  private final Vertx vertx;
  private final ConnectionSlots slots;
  private final String owner;
  private final long keepMillis;
  private final Map<String, List<Runnable>> waiting = new ConcurrentHashMap<>();

  /**
   * Slots given back and kept, by site; a site without one has no entry. Changed only inside the
   * map's {@code compute} calls, which lock the site's entry.
   */
  private final Map<String, List<Slot>> kept = new ConcurrentHashMap<>();

  SiteSlots(Vertx vertx, ConnectionSlots slots, String owner) {
    this(vertx, slots, owner, KEEP_MILLIS);
  }

  /** With a keeping time of its own (tests; 0 gives every slot back at once). */
  SiteSlots(Vertx vertx, ConnectionSlots slots, String owner, long keepMillis) {
    this.vertx = vertx;
    this.slots = slots;
    this.owner = owner;
    this.keepMillis = keepMillis;
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

  /**
   * A slot of {@code site} below its limit now, or empty when all are held: one this instance kept
   * (no statement), else one from the table (off the loop).
   */
  Future<Optional<Slot>> take(Site site) {
    int limit = site.connectionLimit(Instant.now());
    Slot mine = takeKept(site.key(), limit);
    if (mine != null) {
      return Future.succeededFuture(Optional.of(mine));
    }
    return vertx.executeBlocking(() -> slots.take(site, limit, owner), false);
  }

  /** The lowest kept slot of {@code site} below {@code limit}, no longer kept; null if none. */
  private Slot takeKept(String site, int limit) {
    Slot[] taken = new Slot[1];
    kept.computeIfPresent(
        site,
        (k, mine) -> {
          for (Slot s : mine) {
            if (s.number() < limit && (taken[0] == null || s.number() < taken[0].number())) {
              taken[0] = s;
            }
          }
          mine.remove(taken[0]);
          return mine.isEmpty() ? null : mine;
        });
    return taken[0];
  }

  /** Slots kept now for {@code site} (tests). */
  int keptOf(String site) {
    int[] n = new int[1];
    kept.computeIfPresent(
        site,
        (k, mine) -> {
          n[0] = mine.size();
          return mine;
        });
    return n[0];
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
   * Gives {@code slot} back: kept for this instance's next runner of its site (its row freed after
   * {@link #KEEP_MILLIS} when nobody took it), or freed now (off the loop) when it is not shared or
   * nothing is kept; either way the runners of this instance waiting for one are woken.
   */
  Future<Void> release(Slot slot) {
    if (slot == null) {
      return Future.succeededFuture();
    }
    if (keepMillis > 0 && slot.shared()) {
      kept.compute(
          slot.site(),
          (k, mine) -> {
            List<Slot> l = mine == null ? new ArrayList<>() : mine;
            l.add(slot);
            return l;
          });
      vertx.setTimer(keepMillis, id -> freeIfStillKept(slot));
      wakeWaiting(slot.site());
      return Future.succeededFuture();
    }
    return free(slot);
  }

  /** The keeping time of {@code slot} is up: its row is freed unless a runner took it meanwhile. */
  private void freeIfStillKept(Slot slot) {
    boolean[] still = new boolean[1];
    kept.computeIfPresent(
        slot.site(),
        (k, mine) -> {
          still[0] = mine.remove(slot);
          return mine.isEmpty() ? null : mine;
        });
    if (still[0]) {
      free(slot);
    }
  }

  /** Frees {@code slot}'s row (off the loop), then wakes this instance's runners waiting. */
  private Future<Void> free(Slot slot) {
    return vertx
        .executeBlocking(
            () -> {
              slots.release(slot, owner);
              return null;
            },
            false)
        .transform(
            ar -> {
              wakeWaiting(slot.site());
              return Future.<Void>succeededFuture();
            });
  }

  private void wakeWaiting(String site) {
    List<Runnable> woken = waiting.remove(site);
    if (woken != null) {
      woken.forEach(Runnable::run);
    }
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
