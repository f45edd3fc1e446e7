package org.fanmail.request;

/**
 * A decision on a request that is not waiting for it (approve needs MODERATING; reject needs
 * CONFIRMING or MODERATING). The REST layer answers 409 with the current state.
 */
public final class RequestStateException extends RuntimeException {
  private final String state;

  public RequestStateException(long id, String state, String needed) {
    super("request " + id + " is " + state + ", not " + needed, null, false, false);
    this.state = state;
  }

  public String state() {
    return state;
  }
}
