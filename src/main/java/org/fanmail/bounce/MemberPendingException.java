package org.fanmail.bounce;

/**
 * A re-enable asked for a member who has not confirmed their subscription: only the member can make
 * a PENDING subscription active, so the owner's re-enable refuses it (answered with 409).
 */
public final class MemberPendingException extends RuntimeException {
  private final String state;

  public MemberPendingException(String email, String state) {
    super(
        "member "
            + email
            + " is "
            + state
            + ": a subscription awaiting confirmation cannot be enabled by the owner",
        null,
        false,
        false);
    this.state = state;
  }

  /** The member's current status. */
  public String state() {
    return state;
  }
}
