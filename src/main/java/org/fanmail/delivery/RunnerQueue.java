package org.fanmail.delivery;

/**
 * A {@link DestinationRunner}'s side of its destination's queue in {@link DeliveryScheduler}: the
 * only calls a runner makes back into the scheduler. Each is short and thread-safe (the scheduler's
 * lock); {@link #jobDone} and {@link #runnerDone} may start a claim or other runners.
 */
interface RunnerQueue {

  /** What a runner whose queue is empty does next. */
  enum Idle {
    /** Rows arrived meanwhile: take the next one. */
    WORK,
    /** Keep the connection; {@link DestinationRunner#resume} or the timer ends the wait. */
    LINGER,
    /** Close the connection and end. */
    CLOSE
  }

  /** The site of the destination: its limits, state and feedback. */
  org.fanmail.shaping.Site site();

  /**
   * The destination's next row, or null when its queue is empty or the site has more connections
   * than it may have now.
   */
  DeliveryJob next();

  /**
   * Whether a runner waiting for a connection slot should go on waiting: the queue has rows, the
   * site is within its limit, and no shutdown began.
   */
  boolean wantsConnection();

  /** A runner took its connection slot, or gave up waiting: the site's next runner may start. */
  void slotSettled();

  /** The queue of {@code runner} was empty; {@code open}: it has a session it could keep. */
  Idle idle(DestinationRunner runner, boolean open);

  /** The linger timer of {@code runner} fired: true if it still lingers (and must close now). */
  boolean lingerEnded(DestinationRunner runner);

  /** {@code job} is finished with (recorded, or left to its lease): it leaves memory. */
  void jobDone(DeliveryJob job);

  /** The runner ended and closed its connection: its connection slot is free. */
  void runnerDone();
}
