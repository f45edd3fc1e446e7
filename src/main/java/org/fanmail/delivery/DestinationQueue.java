package org.fanmail.delivery;

import java.time.Instant;
import java.util.ArrayDeque;
import org.fanmail.shaping.Site;

/**
 * The rows of one destination that {@link DeliveryScheduler} holds in memory, and how many
 * connections work on them; its runners see it as their {@link RunnerQueue}. Every field is read
 * and written under the scheduler's lock (the scheduler object itself), whether by the scheduler
 * (claims, hand-offs, dispatch) or by a runner through the calls below; a runner never holds it
 * while it talks to a peer.
 *
 * <p>Several queues may share one {@link Site} (domains of one provider); the site's limit is
 * counted across them in {@link Site#active}. A runner beyond that limit (the site was throttled or
 * its window shrank) takes no further row and closes, so the site's connections come down to its
 * limit as transactions end. Before its first connection a runner takes one of the site's
 * cluster-wide connection slots ({@link SiteSlots}); while it waits for one it counts in {@link
 * #active} and in the site's {@link Site#taking}, and the scheduler starts no other runner for the
 * site meanwhile.
 */
final class DestinationQueue implements RunnerQueue {
  private final DeliveryScheduler scheduler;
  final String destination;
  final Site site;
  final ArrayDeque<DeliveryJob> jobs = new ArrayDeque<>();
  int active;

  /** A runner (counted in {@link #active}) keeping its connection open, waiting for rows. */
  DestinationRunner lingering;

  DestinationQueue(DeliveryScheduler scheduler, String destination, Site site) {
    this.scheduler = scheduler;
    this.destination = destination;
    this.site = site;
  }

  @Override
  public Site site() {
    return site;
  }

  /** More connections to the site than it may have now (under the scheduler's lock). */
  private boolean overLimit() {
    return site.active > site.connectionLimit(Instant.now());
  }

  @Override
  public DeliveryJob next() {
    synchronized (scheduler) {
      return overLimit() ? null : jobs.poll();
    }
  }

  @Override
  public boolean wantsConnection() {
    synchronized (scheduler) {
      return !scheduler.stopping() && !overLimit() && !jobs.isEmpty();
    }
  }

  @Override
  public void slotSettled() {
    synchronized (scheduler) {
      site.taking--;
    }
    scheduler.dispatch();
  }

  /**
   * Whether another runner of the site may start under {@code limit} (under the scheduler's lock):
   * one at a time takes a connection slot, so the slots are asked for one by one.
   */
  boolean siteHasRoom(int limit) {
    return site.active < limit && site.taking == 0;
  }

  @Override
  public Idle idle(DestinationRunner runner, boolean open) {
    synchronized (scheduler) {
      if (overLimit()) {
        return Idle.CLOSE;
      }
      if (!jobs.isEmpty()) {
        return Idle.WORK;
      }
      if (!open || scheduler.stopping() || lingering != null || scheduler.othersWaiting(this)) {
        return Idle.CLOSE;
      }
      lingering = runner;
      return Idle.LINGER;
    }
  }

  @Override
  public boolean lingerEnded(DestinationRunner runner) {
    synchronized (scheduler) {
      if (lingering != runner) {
        return false;
      }
      lingering = null;
      return true;
    }
  }

  @Override
  public void jobDone(DeliveryJob job) {
    scheduler.jobDone(job);
  }

  @Override
  public void runnerDone() {
    scheduler.runnerDone(this);
  }
}
