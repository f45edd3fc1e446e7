package org.fanmail.list;

/** No list has the given address (compared case-insensitively). Answered with 404. */
public final class UnknownListException extends UnknownEntityException {
  public UnknownListException(String address) {
    super("no list with address " + address);
  }
}
