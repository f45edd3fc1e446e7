package org.fanmail.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One claimed delivery row held in memory while its lease runs: the unit a destination's
 * connections work through.
 */
record DeliveryJob(
    long deliveryId, long postId, String destination, List<String> hosts, int attempts) {

  /** Whether some post gave {@code jobs} as many rows as a claim takes of one post ({@code n}). */
  static boolean somePostGave(List<DeliveryJob> jobs, int n) {
    Map<Long, Integer> perPost = new HashMap<>();
    for (DeliveryJob j : jobs) {
      if (perPost.merge(j.postId(), 1, Integer::sum) >= n) {
        return true;
      }
    }
    return false;
  }
}
