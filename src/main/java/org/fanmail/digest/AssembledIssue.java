package org.fanmail.digest;

import java.util.List;

/**
 * An issue just written: its number, the posts it holds in order, and the ids of its form posts
 * (one or two) that the fan-out expands.
 */
public record AssembledIssue(int volume, int issue, List<Long> postIds, List<Long> formPostIds) {

  /** How many posts it holds. */
  public int posts() {
    return postIds.size();
  }
}
