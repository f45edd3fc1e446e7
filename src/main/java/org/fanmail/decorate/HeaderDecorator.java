package org.fanmail.decorate;

import java.util.List;

/**
 * Runs the ordered header handlers over a post's header section and returns the new header bytes.
 * The body is never read or changed here; fields no handler touches come out byte for byte, in
 * their order. Pure and thread-safe; callers cache the result per post.
 */
public final class HeaderDecorator {
  /** The handlers, in the order they run. */
  public static final List<HeaderHandler> DEFAULT_HANDLERS =
      List.of(
          new ListIdHandler(),
          new ListHeadersHandler(),
          new PrecedenceHandler(),
          new SubjectPrefixHandler(),
          new ReplyToHandler(),
          new XLoopHandler());

  private final List<HeaderHandler> handlers;

  public HeaderDecorator(List<HeaderHandler> handlers) {
    this.handlers = List.copyOf(handlers);
  }

  public HeaderDecorator() {
    this(DEFAULT_HANDLERS);
  }

  /**
   * The decorated header fields of {@code message} (whose header section ends at {@code headerEnd},
   * see {@link HeaderBlock#split}).
   */
  public byte[] decorate(byte[] message, int headerEnd, ListIdentity list) {
    HeaderBlock block = HeaderBlock.parse(message, headerEnd);
    for (HeaderHandler h : handlers) {
      h.apply(block, list);
    }
    return block.toBytes();
  }
}
