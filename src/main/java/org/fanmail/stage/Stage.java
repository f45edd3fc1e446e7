package org.fanmail.stage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The loop every stage runs: wake-ups are hints, the periodic scan is the truth. A stage bean keeps
 * its {@code @ObservesAsync} and {@code @Scheduled} methods and hands them here: {@link #hint}
 * remembers post ids and queues one drain, {@link #scan} runs the stage's scan unless one is
 * running, {@link #stop} ends it at shutdown. The stage supplies what a drain does ({@link Drain}).
 *
 * <p>Invariants: one worker thread per stage, so a stage never holds more than one connection for
 * its wake-ups; a burst of hints queues one drain, not one per hint (the flag is cleared as the
 * drain starts, so a hint that arrives while it runs queues the next one); at most {@code maxHints}
 * ids wait in memory (deduplicated), the rest are dropped because the scan finds them anyway; scans
 * never overlap. A drain or scan that throws is logged and the worker lives on: the next wake-up or
 * scan retries. Nothing here touches the database.
 */
public final class Stage {

  /** What a stage does when woken: work through the ids it was hinted. */
  @FunctionalInterface
  public interface Drain {
    /**
     * Called on the worker with up to {@code hintBatch} hinted ids at a time, oldest first, until
     * none is left; a wake-up without ids ({@link #wake()}) calls it once with an empty list. What
     * it throws is logged with the ids, and the scan retries them.
     */
    void drain(List<Long> hinted) throws Exception;
  }

  /** The work of a stage on one row: {@code id}, or the oldest waiting one when null. */
  @FunctionalInterface
  public interface Step {
    /** True when there was a row to work on. Each call is its own transaction. */
    boolean next(Long id) throws Exception;
  }

  /**
   * The drain of a stage whose every hinted id is a unit of work of its own: {@code step} runs on
   * each; a failure is logged with {@code failure} (a format taking the id) and the next id goes
   * on, since the scan retries the failed one.
   */
  public static Drain eachHinted(Logger log, String failure, Step step) {
    return ids -> {
      for (long id : ids) {
        try {
          step.next(id);
        } catch (Exception e) {
          log.warnf(e, failure, id);
        }
      }
    };
  }

  /** Runs {@code step} on the oldest waiting rows until none is left or {@code max} were done. */
  public static void untilNone(int max, Step step) throws Exception {
    int n = 0;
    while (n++ < max && step.next(null)) {
      // one row per transaction
    }
  }

  /** A stage's periodic scan. */
  @FunctionalInterface
  public interface Scan {
    void scan() throws Exception;
  }

  private final String name;
  private final Logger log;
  private final int maxHints;
  private final int hintBatch;
  private final Drain drain;
  private final ThreadPoolExecutor worker;
  private final ReentrantLock scanning = new ReentrantLock();
  private final AtomicBoolean drainQueued = new AtomicBoolean();

  /** Hinted ids not yet drained; guarded by itself. */
  private final LinkedHashSet<Long> hints = new LinkedHashSet<>();

  private volatile boolean stopped;

  /**
   * A stage named {@code name} (its log lines: "{@code name} scan failed"; its worker thread:
   * {@code threadName}), logging to the stage's own {@code log}.
   */
  public Stage(
      String name, String threadName, Logger log, int maxHints, int hintBatch, Drain drain) {
    if (maxHints < 1 || hintBatch < 1) {
      throw new IllegalArgumentException("maxHints and hintBatch must be positive");
    }
    this.name = name;
    this.log = log;
    this.maxHints = maxHints;
    this.hintBatch = hintBatch;
    this.drain = drain;
    this.worker = singleWorker(threadName);
  }

  /**
   * One daemon thread with room for one queued task: a drain is queued only while none is (the
   * flag), so a second slot would never fill; a task offered to a full queue is dropped, which is
   * safe because wake-ups are hints.
   */
  private static ThreadPoolExecutor singleWorker(String threadName) {
    return new ThreadPoolExecutor(
        1,
        1,
        0L,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(1),
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.DiscardPolicy());
  }

  /** Remembers {@code ids} (past the bound they are dropped) and makes sure a drain is queued. */
  public void hint(Collection<Long> ids) {
    synchronized (hints) {
      for (Long id : ids) {
        if (hints.size() >= maxHints) {
          break;
        }
        hints.add(id);
      }
    }
    wake();
  }

  /** Queues one drain unless one is queued already (or the stage stopped). Never blocks. */
  public void wake() {
    if (!stopped && drainQueued.compareAndSet(false, true)) {
      worker.execute(this::drainHints);
    }
  }

  private void drainHints() {
    drainQueued.set(false);
    boolean first = true;
    while (!stopped) {
      List<Long> batch = take();
      if (batch.isEmpty() && !first) {
        return;
      }
      first = false;
      try {
        drain.drain(batch);
      } catch (Exception e) {
        if (stopped) {
          return;
        }
        log.warnf(e, "%s hints %s failed; the next scan retries them", name, batch);
      }
      if (batch.isEmpty()) {
        return;
      }
    }
  }

  private List<Long> take() {
    synchronized (hints) {
      List<Long> batch = new ArrayList<>(Math.min(hintBatch, hints.size()));
      var it = hints.iterator();
      while (batch.size() < hintBatch && it.hasNext()) {
        batch.add(it.next());
        it.remove();
      }
      return batch;
    }
  }

  /**
   * Runs {@code scan} unless a scan of this stage is running (then returns false at once); what it
   * throws is logged, and the next scan tries again.
   */
  public boolean scan(Scan scan) {
    if (!scanning.tryLock()) {
      return false;
    }
    try {
      scan.scan();
    } catch (Exception e) {
      log.warnf(e, "%s scan failed; retried at the next scan", name);
    } finally {
      scanning.unlock();
    }
    return true;
  }

  /**
   * No drain queued, running or waiting in the worker's queue: once true with no new hint, no drain
   * can run any more (the flag is cleared only inside a running drain). For tests that must show a
   * drain did not happen without waiting for time.
   */
  boolean idle() {
    return !drainQueued.get() && worker.getQueue().isEmpty() && worker.getActiveCount() == 0;
  }

  /** True once {@link #stop()} ran: a long drain or scan checks it between units of work. */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Shutdown: no drain starts any more, hints still waiting are dropped rather than run against a
   * closing pool (the scan has them after the next start), and the running drain is interrupted.
   */
  public void stop() {
    stopped = true;
    worker.shutdownNow();
  }
}
