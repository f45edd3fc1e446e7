package org.fanmail.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.fanmail.testing.Await;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stage template's promises: a burst of hints queues one drain, hints past the bound are
 * dropped, scans never overlap, and a drain that throws leaves the worker running.
 */
class StageTest {
  private static final Logger LOG = Logger.getLogger(StageTest.class);

  /** Every call of the drain, with the ids it was given and the thread it ran on. */
  private final List<List<Long>> drained = new CopyOnWriteArrayList<>();

  private Stage stage;

  @AfterEach
  void stop() {
    if (stage != null) {
      stage.stop();
    }
  }

  /** A drain that records its calls; the first one waits on {@code gate} once it has its ids. */
  private Stage.Drain recording(CountDownLatch started, CountDownLatch gate) {
    return ids -> {
      drained.add(List.copyOf(ids));
      started.countDown();
      assertTrue(gate.await(10, TimeUnit.SECONDS));
    };
  }

  /**
   * Waits for {@code n} drains and for the stage to be idle: nothing queued, running or waiting, so
   * a wrong extra drain would already be in {@link #drained}, and none can come later.
   */
  private void awaitDrains(int n) {
    assertTrue(
        Await.until(Duration.ofSeconds(10), () -> drained.size() >= n && stage.idle()),
        "drains seen: " + drained);
  }

  @Test
  void aBurstOfHintsQueuesOneDrain() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    stage = new Stage("test", "stage-test", LOG, 10_000, 500, recording(started, gate));
    stage.hint(List.of(0L));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    // The worker is busy: these 1,000 wake-ups coalesce into one drain.
    for (long id = 1; id <= 1000; id++) {
      stage.hint(List.of(id));
    }
    gate.countDown();
    awaitDrains(4);
    // The running drain goes on with the 1,000 ids in two batches of 500; the one drain those
    // wake-ups queued finds none left and is called once with nothing. Without coalescing there
    // would be a call per wake-up.
    assertEquals(
        List.of(1, 500, 500, 0), drained.stream().map(List::size).toList(), "drains: " + drained);
    assertEquals(List.of(0L), drained.get(0));
    List<Long> rest = new ArrayList<>(drained.get(1));
    rest.addAll(drained.get(2));
    assertEquals(LongStream.rangeClosed(1, 1000).boxed().toList(), rest);
  }

  @Test
  void aWakeWithoutIdsDrainsOnceWithNone() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch open = new CountDownLatch(0);
    stage = new Stage("test", "stage-test", LOG, 10, 10, recording(started, open));
    stage.wake();
    awaitDrains(1);
    assertEquals(List.of(List.of()), drained);
  }

  @Test
  void hintsPastTheBoundAreDropped() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    stage = new Stage("test", "stage-test", LOG, 10, 100, recording(started, gate));
    stage.hint(List.of(0L));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    stage.hint(LongStream.rangeClosed(1, 25).boxed().toList());
    stage.hint(List.of(26L, 5L)); // 26 past the bound; 5 already waiting
    gate.countDown();
    awaitDrains(3);
    assertEquals(List.of(1, 10, 0), drained.stream().map(List::size).toList(), "" + drained);
    assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), drained.get(1));
  }

  @Test
  void scansNeverOverlap() throws Exception {
    stage = new Stage("test", "stage-test", LOG, 10, 10, ids -> {});
    CountDownLatch inScan = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean firstRan = new AtomicBoolean();
    Thread first =
        new Thread(
            () ->
                firstRan.set(
                    stage.scan(
                        () -> {
                          inScan.countDown();
                          assertTrue(release.await(10, TimeUnit.SECONDS));
                        })));
    first.start();
    assertTrue(inScan.await(10, TimeUnit.SECONDS));
    AtomicBoolean secondBody = new AtomicBoolean();
    assertFalse(stage.scan(() -> secondBody.set(true)), "a scan while one runs is skipped");
    assertFalse(secondBody.get());
    release.countDown();
    first.join(10_000);
    assertTrue(firstRan.get());
    // Once the first scan ended, the next one runs.
    assertTrue(stage.scan(() -> secondBody.set(true)));
    assertTrue(secondBody.get());
  }

  @Test
  void aScanThatThrowsReleasesTheLock() {
    stage = new Stage("test", "stage-test", LOG, 10, 10, ids -> {});
    assertTrue(
        stage.scan(
            () -> {
              throw new java.sql.SQLException("database gone");
            }));
    AtomicBoolean ran = new AtomicBoolean();
    assertTrue(stage.scan(() -> ran.set(true)));
    assertTrue(ran.get());
  }

  @Test
  void aDrainThatThrowsDoesNotKillTheWorker() throws Exception {
    List<List<Long>> seen = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new CopyOnWriteArrayList<>();
    stage =
        new Stage(
            "test",
            "stage-test",
            LOG,
            10,
            1,
            ids -> {
              seen.add(List.copyOf(ids));
              workers.add(Thread.currentThread());
              if (ids.contains(1L)) {
                throw new IllegalStateException("the first batch fails");
              }
              drained.add(ids);
            });
    // One wake-up, two batches of one: the second is drained by the same run on the same thread,
    // with no further wake-up (an escaped exception would leave it waiting for the next hint).
    stage.hint(List.of(1L, 2L));
    awaitDrains(1);
    assertEquals(List.of(List.of(1L), List.of(2L)), seen.subList(0, 2));
    assertEquals(List.of(List.of(2L)), drained);
    assertEquals(1, workers.stream().distinct().count(), "one worker thread: " + workers);
    stage.hint(List.of(3L));
    awaitDrains(2);
    assertEquals(List.of(List.of(2L), List.of(3L)), drained);
    assertEquals(1, workers.stream().distinct().count(), "one worker thread: " + workers);
  }

  @Test
  void afterStopNoDrainRuns() throws Exception {
    stage = new Stage("test", "stage-test", LOG, 10, 10, ids -> drained.add(ids));
    stage.stop();
    assertTrue(stage.stopped());
    stage.hint(List.of(1L));
    stage.wake();
    // Nothing to wait for: a stopped stage queues no drain, and its worker is shut down, so a
    // drain queued by mistake would never run either.
    assertEquals(List.of(), drained);
  }

  @Test
  void eachHintedIdIsItsOwnStepAndAFailureDoesNotStopTheRest() throws Exception {
    List<Long> done = new ArrayList<>();
    Stage.Drain drain =
        Stage.eachHinted(
            LOG,
            "id %d failed",
            id -> {
              if (id == 2L) {
                throw new IllegalStateException("broken row");
              }
              done.add(id);
              return true;
            });
    drain.drain(List.of(1L, 2L, 3L));
    assertEquals(List.of(1L, 3L), done);
  }

  @Test
  void untilNoneStopsWhenNothingIsLeftOrAtTheBound() throws Exception {
    int[] calls = {0};
    Stage.untilNone(
        100,
        id -> {
          assertEquals(null, id);
          return ++calls[0] < 5;
        });
    assertEquals(5, calls[0], "the fifth call found nothing");
    calls[0] = 0;
    Stage.untilNone(3, id -> ++calls[0] > 0);
    assertEquals(3, calls[0], "at most the bound");
  }
}
