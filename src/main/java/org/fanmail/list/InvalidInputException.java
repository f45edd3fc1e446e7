package org.fanmail.list;

/**
 * Input that breaks a rule of lists or members (length limit, reserved suffix, bad value). The
 * message tells the caller what to fix and never carries internals; answered with 400.
 */
public final class InvalidInputException extends RuntimeException {
  public InvalidInputException(String message) {
    super(message, null, false, false);
  }
}
