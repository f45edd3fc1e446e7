package org.fanmail.list;

/** The list has no member with the given address (case-insensitive). Answered with 404. */
public final class UnknownMemberException extends UnknownEntityException {
  public UnknownMemberException(String list, String email) {
    super("list " + list + " has no member " + email);
  }
}
