package org.fanmail.delivery;

import java.util.ArrayDeque;

/**
 * The rows of one destination that {@link DeliveryScheduler} holds in memory, and how many
 * connections work on them; its runners see it as their {@link RunnerQueue}. Every field is read
 * and written under the scheduler's lock (the scheduler object itself), whether by the scheduler
 * (claims, hand-offs, dispatch) or by a runner through the calls below; a runner never holds it
 * while it talks to a peer.
 */
final class DestinationQueue implements RunnerQueue {
  private final DeliveryScheduler scheduler;
  final String destination;
  final ArrayDeque<DeliveryJob> jobs = new ArrayDeque<>();
  int active;

  /** A runner (counted in {@link #active}) keeping its connection open, waiting for rows. */
  DestinationRunner lingering;

  DestinationQueue(DeliveryScheduler scheduler, String destination) {
    this.scheduler = scheduler;
    this.destination = destination;
  }

  @Override
  public DeliveryJob next() {
    synchronized (scheduler) {
      return jobs.poll();
    }
  }

  @Override
  public Idle idle(DestinationRunner runner, boolean open) {
    synchronized (scheduler) {
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
