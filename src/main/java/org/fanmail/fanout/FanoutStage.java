package org.fanmail.fanout;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.sql.SQLException;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.BatchExpander.Batch;
import org.fanmail.queue.DeliveriesReady;
import org.fanmail.queue.DeliveryHandoff;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostState;
import org.fanmail.stage.Stage;
import org.jboss.logging.Logger;

/**
 * Expansion: turns each ACCEPTED post into delivery rows (one per future SMTP transaction, carrying
 * its recipients; one DONE row per domain that can never take mail) and moves the post to
 * DELIVERING (or DONE when nobody is left to send to). This bean only schedules: it wakes on {@link
 * PostCommitted} (a burst of commits queues one drain) and on a periodic scan, and runs {@link
 * BatchExpander} — one batch per transaction — on its one worker.
 *
 * <p>Invariants: a small post is routed in memory ({@link InMemoryExpansion}), a larger one never
 * passes through the heap ({@link SetBasedExpansion}), a very large one is written in committed
 * slices and resumed by the scan if its expander dies ({@link SlicedExpansion}). On any error the
 * batch rolls back and its posts stay ACCEPTED for the next drain or scan.
 */
@ApplicationScoped
public class FanoutStage {
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);

  private final ParallelResolver resolver;
  private final SlicedExpansion sliced;
  private final BatchExpander batches;

  /**
   * Runs every announced expansion, one at a time: expansion holds a database connection and writes
   * many rows, and unbounded parallel expansions would starve SMTP intake of connections (measured:
   * ingest fell to a fifth). A burst of commits wakes it once, not once per post (each wake-up past
   * the first found nothing left and cost a claim). Wake-ups carry no ids: a drain claims the
   * oldest ACCEPTED posts, whichever they are.
   */
  private final Stage stage = new Stage("expansion", "fanout-expand", LOG, 1, 1, ids -> drain());

  public FanoutStage(
      AgroalDataSource dataSource,
      DestinationResolver destinations,
      FanmailConfig config,
      Event<DeliveriesReady> ready,
      DmarcStep dmarc,
      DeliveryHandoff handoff,
      InMemoryLimit inMemoryLimit) {
    this.resolver = new ParallelResolver(destinations);
    WorkingTables tables = new WorkingTables(resolver, config);
    this.sliced =
        new SlicedExpansion(dataSource, tables, ready, new SlicedHead(resolver, config, ready));
    this.batches =
        new BatchExpander(
            dataSource,
            dmarc,
            handoff,
            inMemoryLimit,
            new InMemoryExpansion(resolver, config, handoff),
            tables,
            sliced,
            ready);
  }

  /**
   * The SMTP stage committed posts, announced synchronously: hand them to a worker at once, so the
   * firing thread (perhaps an event loop) never waits for expansion.
   */
  void onPostCommittedSync(@Observes PostCommitted event) {
    if (event.mayHaveState(PostState.ACCEPTED)) {
      stage.wake();
    }
  }

  /** The SMTP stage committed posts (async event): wake the single expander. */
  void onPostCommittedAsync(@ObservesAsync PostCommitted event) {
    if (event.mayHaveState(PostState.ACCEPTED)) {
      stage.wake();
    }
  }

  /**
   * Expands the ACCEPTED posts in batches (oldest first) until none is left; runs on the expander
   * thread. A post committed while this runs wakes another drain.
   */
  private void drain() {
    int failures = 0;
    while (!stage.stopped()) {
      try {
        // A batch that took every ACCEPTED post it saw ends the drain: a post committed since
        // wakes another (one claim fewer per wake-up than claiming until none is found).
        if (batches.expandNext(null) != Batch.MORE) {
          return;
        }
        failures = 0;
      } catch (SQLException | RuntimeException e) {
        if (stage.stopped()) {
          return;
        }
        // The failed post now waits its turn (FailingPosts), so the next batch goes on without
        // it; a database that is gone fails every batch, and the scan takes over after three.
        LOG.warnf(e, "expansion failed, the next scan retries it");
        if (++failures == 3) {
          return;
        }
      }
    }
  }

  /**
   * Shutdown: no new drain starts and the running one stops after its batch (a batch cut short by
   * the pool closing rolls back; its posts stay ACCEPTED for the next start).
   */
  void onStop(@Observes ShutdownEvent event) {
    stage.stop();
    resolver.close();
  }

  /** The truth behind the wake-ups: expands every ACCEPTED post, a batch per transaction. */
  @Scheduled(
      every = "${fanmail.delivery.scan-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    stage.scan(
        () -> {
          resumeUnfinished();
          while (!stage.stopped() && batches.expandNext(null) == Batch.MORE) {
            // a batch per transaction
          }
        });
  }

  /** Expands one specific post if it is still ACCEPTED and nobody else holds it. */
  boolean expand(long postId) throws SQLException {
    return batches.expandNext(postId) != Batch.NONE;
  }

  /** Resumes sliced posts whose expander died half-way ({@link SlicedExpansion}). */
  void resumeUnfinished() throws SQLException {
    sliced.resumeUnfinished();
  }
}
