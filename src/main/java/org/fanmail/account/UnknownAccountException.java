package org.fanmail.account;

import org.fanmail.list.UnknownEntityException;

/** An account or token named in a request does not exist; the REST layer answers 404. */
public final class UnknownAccountException extends UnknownEntityException {
  public UnknownAccountException(String message) {
    super(message);
  }
}
