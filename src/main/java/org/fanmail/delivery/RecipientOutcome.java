package org.fanmail.delivery;

/**
 * The decided state of one recipient after one attempt, with the reply (or our reason) that decided
 * it.
 */
public record RecipientOutcome(long recipientId, String email, State state, String reply) {
  /** Recipient states, as in the {@code recipient.state} column. */
  public enum State {
    DELIVERED,
    DEFERRED,
    FAILED
  }

  static RecipientOutcome of(Recipient r, State state, String reply) {
    return new RecipientOutcome(r.id(), r.email(), state, reply);
  }

  /**
   * A recipient to send to in one delivery row.
   *
   * @param memberId the list member it was expanded from, 0 for none (system mail)
   */
  public record Recipient(long id, String email, long memberId) {
    public Recipient(long id, String email) {
      this(id, email, 0);
    }
  }
}
