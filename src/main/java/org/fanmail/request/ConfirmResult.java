package org.fanmail.request;

/**
 * The state of a confirmation token, or what using it did. {@code action}, {@code email}, {@code
 * listAddress} and {@code listName} are set whenever the token was found.
 */
public record ConfirmResult(
    Status status, RequestAction action, String email, String listAddress, String listName) {

  /** What a token stands for. */
  public enum Status {
    /** Found and confirmable (only from a look-up). */
    VALID,
    /** Confirmed: the change took effect. */
    COMPLETED,
    /** Confirmed: now an owner has to approve. */
    AWAITING_APPROVAL,
    /** No such token. */
    UNKNOWN,
    /** Already used. */
    USED,
    /** Too late. */
    EXPIRED,
    /** A newer request for the same address replaced it, or an owner rejected it. */
    WITHDRAWN
  }

  static ConfirmResult unknown() {
    return new ConfirmResult(Status.UNKNOWN, null, null, null, null);
  }

  /** True when the token is gone for good (410 rather than 404). */
  public boolean gone() {
    return status == Status.USED || status == Status.EXPIRED || status == Status.WITHDRAWN;
  }
}
