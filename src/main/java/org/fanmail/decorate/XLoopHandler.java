package org.fanmail.decorate;

/**
 * {@code X-Loop: list@domain}, which the posting rules look for to discard a copy that comes back.
 * Added once; an X-Loop of another list is kept.
 */
public final class XLoopHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    boolean present =
        headers.fields().stream()
            .anyMatch(f -> f.is("X-Loop") && f.value().equalsIgnoreCase(list.address()));
    if (!present) {
      headers.add("X-Loop", list.address());
    }
  }
}
