package org.fanmail.decorate;

/**
 * One small, named step of decoration (Mailman's handler shape): it edits the header block of the
 * outgoing copy for one list. Handlers are pure functions of the block and the list; they never
 * touch the body and never fail on odd input (they leave it alone).
 */
public interface HeaderHandler {
  /** The handler's name, for logs and tests. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** Edits {@code headers} for a copy sent out by {@code list}. */
  void apply(HeaderBlock headers, ListIdentity list);
}
