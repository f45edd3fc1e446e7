package org.fanmail.request;

import org.fanmail.list.UnknownEntityException;

/** No template of that name. Answered with 404 like any unknown entity. */
public final class UnknownTemplateException extends UnknownEntityException {
  public UnknownTemplateException(String name) {
    super("no template named '" + shorten(name) + "'");
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
