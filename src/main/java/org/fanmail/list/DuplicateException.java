package org.fanmail.list;

/**
 * A list or member already exists under the same case-insensitive address, found either by a
 * look-up or by the database's unique constraint when two requests race. Answered with 409.
 */
public final class DuplicateException extends RuntimeException {
  public DuplicateException(String message) {
    super(message, null, false, false);
  }
}
