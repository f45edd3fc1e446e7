package org.fanmail.fanout;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts whose expansion failed, held back for a while so that one bad post cannot stop the
 * expansion of every post behind it (expansion takes the oldest post first, in batches). The wait
 * doubles with each failure, from a second up to ten minutes; the post stays ACCEPTED in the
 * database throughout and is tried again when its wait is over (or by another instance, or after a
 * restart). Bounded: at most {@link #MAX_ENTRIES} posts are remembered, the oldest forgotten first.
 */
final class FailingPosts {
  static final int MAX_ENTRIES = 1000;
  private static final long FIRST_WAIT_NANOS = 1_000_000_000L;
  private static final long MAX_WAIT_NANOS = 600_000_000_000L;

  private record Entry(int failures, long until) {}

  private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();

  /** Records a failure of {@code postId}. */
  synchronized void failed(long postId) {
    Entry e = entries.remove(postId);
    int failures = e == null ? 1 : e.failures() + 1;
    long wait = Math.min(MAX_WAIT_NANOS, FIRST_WAIT_NANOS << Math.min(failures - 1, 20));
    entries.put(postId, new Entry(failures, System.nanoTime() + wait));
    if (entries.size() > MAX_ENTRIES) {
      Iterator<Long> it = entries.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  /** Forgets {@code postId} after it was expanded. */
  synchronized void succeeded(long postId) {
    entries.remove(postId);
  }

  /** The posts still waiting, to leave out of the next claim. */
  synchronized Long[] holding() {
    long now = System.nanoTime();
    return entries.entrySet().stream()
        .filter(e -> e.getValue().until() - now > 0)
        .map(Map.Entry::getKey)
        .toArray(Long[]::new);
  }
}
