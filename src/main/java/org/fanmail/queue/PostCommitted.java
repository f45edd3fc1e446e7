package org.fanmail.queue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fired (as a CDI event, after the commit) when posts have been stored, so that the stage that owns
 * them starts within milliseconds instead of at its next scan. A hint only: the periodic scans find
 * every post even if this event is lost.
 *
 * <p>The event may say which purposes and states its posts were stored with, so that a stage skips
 * hints that cannot concern it without asking the database (every stage observes every commit);
 * {@code null} means "not said", and then every stage looks.
 *
 * @param postIds ids of the posts just committed
 * @param purposes their purposes, or null
 * @param states their states, or null
 */
public record PostCommitted(List<Long> postIds, Set<PostPurpose> purposes, Set<PostState> states) {

  /** Posts whose purposes and states are not said. */
  public PostCommitted(List<Long> postIds) {
    this(postIds, null, null);
  }

  /** False only when the event names its purposes and none of {@code wanted} is among them. */
  public boolean mayHavePurpose(PostPurpose first, PostPurpose... more) {
    return purposes == null || !disjoint(purposes, EnumSet.of(first, more));
  }

  /** False only when the event names its states and none of {@code wanted} is among them. */
  public boolean mayHaveState(PostState first, PostState... more) {
    return states == null || !disjoint(states, EnumSet.of(first, more));
  }

  private static <E> boolean disjoint(Set<E> have, Set<E> wanted) {
    for (E w : wanted) {
      if (have.contains(w)) {
        return false;
      }
    }
    return true;
  }
}
