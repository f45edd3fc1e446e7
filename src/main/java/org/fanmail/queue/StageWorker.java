package org.fanmail.queue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one worker thread a stage runs its wake-ups on: a single daemon thread with a bounded queue
 * of tasks. A task offered when the queue is full is dropped, which is safe because wake-ups are
 * hints and every stage's periodic scan finds the work anyway.
 */
public final class StageWorker {
  private StageWorker() {}

  /** A single-thread executor named {@code name} holding at most {@code queued} waiting tasks. */
  public static ExecutorService single(String name, int queued) {
    return new ThreadPoolExecutor(
        1,
        1,
        0L,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(queued),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.DiscardPolicy());
  }
}
