package org.fanmail.digest;

import org.fanmail.list.UnknownEntityException;

/** No such issue of the list, or its form had no members so no bytes were written: a 404. */
public final class UnknownIssueException extends UnknownEntityException {
  public UnknownIssueException(String what) {
    super(what);
  }
}
