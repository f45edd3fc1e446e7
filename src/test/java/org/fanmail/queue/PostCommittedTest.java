package org.fanmail.queue;

import static org.fanmail.queue.PostPurpose.CONFIRM;
import static org.fanmail.queue.PostPurpose.JOIN;
import static org.fanmail.queue.PostPurpose.LEAVE;
import static org.fanmail.queue.PostPurpose.OWNER;
import static org.fanmail.queue.PostPurpose.POST;
import static org.fanmail.queue.PostPurpose.REQUEST;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostCommittedTest {

  @Test
  void anEventThatSaysNothingConcernsEveryStage() {
    PostCommitted unknown = new PostCommitted(List.of(1L));
    assertTrue(unknown.mayHavePurpose(PostPurpose.BOUNCES));
    assertTrue(unknown.mayHaveState(PostState.HELD));
  }

  @Test
  void anEventThatNamesItsPostsConcernsOnlyTheirStages() {
    PostCommitted post =
        new PostCommitted(List.of(1L, 2L), Set.of(POST), Set.of(PostState.ACCEPTED));
    assertTrue(post.mayHaveState(PostState.ACCEPTED));
    assertFalse(post.mayHaveState(PostState.HELD));
    assertFalse(post.mayHavePurpose(PostPurpose.BOUNCES));
    assertFalse(post.mayHavePurpose(REQUEST, JOIN, LEAVE, CONFIRM, OWNER));
    PostCommitted mixed =
        new PostCommitted(
            List.of(3L, 4L), Set.of(POST, JOIN), Set.of(PostState.HELD, PostState.RECEIVED));
    assertTrue(mixed.mayHavePurpose(REQUEST, JOIN));
    assertTrue(mixed.mayHaveState(PostState.HELD));
    assertFalse(mixed.mayHaveState(PostState.ACCEPTED));
  }
}
