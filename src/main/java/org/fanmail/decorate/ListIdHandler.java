package org.fanmail.decorate;

/**
 * RFC 2919 {@code List-Id: Name <local.domain>}; an upstream list's List-Id is replaced, so that
 * filters see the list the copy came through.
 */
public final class ListIdHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    String id = "<" + list.localPart() + "." + list.domain() + ">";
    String name = list.name() == null ? "" : list.name().replaceAll("[\\r\\n\"\\\\]", " ").strip();
    headers.set("List-Id", name.isEmpty() ? id : "\"" + name + "\" " + id);
  }
}
