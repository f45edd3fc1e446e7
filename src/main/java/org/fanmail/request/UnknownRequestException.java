package org.fanmail.request;

import org.fanmail.list.UnknownEntityException;

/** No request with that id on that list. Answered with 404 like any unknown entity. */
public final class UnknownRequestException extends UnknownEntityException {
  public UnknownRequestException(long id, String listAddress) {
    super("no subscription request " + id + " on list " + listAddress);
  }
}
