package org.fanmail.queue;

/**
 * No post with the given id exists, or it belongs to another list than the one named in the
 * request. The message is safe to show; the REST layer answers 404.
 */
public final class UnknownPostException extends RuntimeException {
  public UnknownPostException(long id) {
    super("no post " + id, null, false, false);
  }

  public UnknownPostException(long id, String list) {
    super("no post " + id + " on list " + list, null, false, false);
  }
}
