package org.fanmail.smtp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.fanmail.mail.ClientNetwork;

/**
 * Transactions per client network ({@link ClientNetwork}) in a fixed window: at most {@code limit}
 * admitted per {@code window} nanoseconds, counted across all of the network's connections, so that
 * reconnecting does not reset the count. Memory is bounded: windows that have ended are swept once
 * per window, and when {@code maxNetworks} live windows are kept a network not among them is
 * refused (a flood from that many networks at once is refused, not remembered).
 *
 * <p>Per instance and in memory: a restart forgets the counts, which only lets a client start over
 * once.
 */
final class MessageRate {
  private final int limit;
  private final long window;
  private final int maxNetworks;
  private final LongSupplier clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  MessageRate(int limit, long windowNanos, int maxNetworks, LongSupplier nanoClock) {
    this.limit = limit;
    this.window = windowNanos;
    this.maxNetworks = maxNetworks;
    this.clock = nanoClock;
    this.lastSweep = nanoClock.getAsLong();
  }

  /** Counts one transaction of {@code network}; false when it is past its limit in this window. */
  boolean admit(String network) {
    long now = clock.getAsLong();
    if (now - lastSweep >= window) {
      lastSweep = now;
      windows.values().removeIf(w -> w.endedBy(now, window));
    }
    Window w = windows.get(network);
    if (w == null) {
      if (windows.size() >= maxNetworks) {
        return false;
      }
      w = windows.computeIfAbsent(network, k -> new Window(now));
    }
    return w.count(now, window, limit);
  }

  /** Networks remembered now. */
  int networks() {
    return windows.size();
  }

  private static final class Window {
    private long start;
    private int count;

    Window(long start) {
      this.start = start;
    }

    synchronized boolean count(long now, long window, int limit) {
      if (now - start >= window) {
        start = now;
        count = 0;
      }
      if (count >= limit) {
        return false;
      }
      count++;
      return true;
    }

    synchronized boolean endedBy(long now, long window) {
      return now - start >= window;
    }
  }
}
