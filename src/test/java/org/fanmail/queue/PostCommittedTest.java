package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostCommittedTest {

  @Test
  void anEventThatSaysNothingConcernsEveryStage() {
    PostCommitted unknown = new PostCommitted(List.of(1L));
    assertTrue(unknown.mayHavePurpose("BOUNCES"));
    assertTrue(unknown.mayHaveState("HELD"));
  }

  @Test
  void anEventThatNamesItsPostsConcernsOnlyTheirStages() {
    PostCommitted post = new PostCommitted(List.of(1L, 2L), Set.of("POST"), Set.of("ACCEPTED"));
    assertTrue(post.mayHaveState("ACCEPTED"));
    assertFalse(post.mayHaveState("HELD"));
    assertFalse(post.mayHavePurpose("BOUNCES"));
    assertFalse(post.mayHavePurpose("REQUEST", "JOIN", "LEAVE", "CONFIRM", "OWNER"));
    PostCommitted mixed =
        new PostCommitted(List.of(3L, 4L), Set.of("POST", "JOIN"), Set.of("HELD", "RECEIVED"));
    assertTrue(mixed.mayHavePurpose("REQUEST", "JOIN"));
    assertTrue(mixed.mayHaveState("HELD"));
    assertFalse(mixed.mayHaveState("ACCEPTED"));
  }
}
