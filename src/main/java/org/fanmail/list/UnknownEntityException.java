package org.fanmail.list;

/**
 * A list or member named in a request does not exist. The message names what was looked for and is
 * safe to show to the caller; the REST layer answers 404.
 */
public abstract class UnknownEntityException extends RuntimeException {
  protected UnknownEntityException(String message) {
    super(message, null, false, false);
  }
}
