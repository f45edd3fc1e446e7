package org.fanmail.moderation;

/**
 * A moderation verdict on a post that is no longer (or never was) held: another moderator decided
 * first, or the post was accepted by the chain. Carries the post's current state; answered 409.
 */
public final class PostNotHeldException extends RuntimeException {
  private final String state;

  public PostNotHeldException(long id, String state) {
    super("post " + id + " is " + state + ", not HELD", null, false, false);
    this.state = state;
  }

  public String state() {
    return state;
  }
}
