package org.fanmail.decorate;

import java.util.Arrays;

/**
 * The outgoing copy of a post for a {@link DmarcAction}: the header section after the DMARC step
 * and the list handlers, and the bytes after it ({@code rest}, starting at the empty line).
 *
 * <p>NONE and MUNGE_FROM leave {@code rest} (the body) exactly as stored; WRAP replaces it with the
 * MIME body that carries the whole post. In NONE and MUNGE_FROM the poster's DKIM signatures are
 * then kept or removed by {@link DkimSignatures} according to the header fields the copy changed.
 * Pure; callers build it once per post.
 *
 * @param header the header fields, each ending in CRLF
 * @param rest the empty line and the body
 */
public record OutgoingCopy(byte[] header, byte[] rest) {

  /** Builds the copy of {@code raw} (header section ending at {@code headerEnd}). */
  public static OutgoingCopy of(
      byte[] raw, int headerEnd, ListIdentity list, DmarcAction action, HeaderDecorator decorator) {
    if (action == DmarcAction.WRAP) {
      MessageWrapper.Wrapped w = new MessageWrapper().wrap(raw, headerEnd, list);
      byte[] header = decorator.decorate(w.header(), w.header().length, list);
      return new OutgoingCopy(header, w.rest());
    }
    HeaderBlock original = HeaderBlock.parse(raw, headerEnd);
    byte[] source;
    int sourceEnd;
    if (action == DmarcAction.MUNGE_FROM) {
      HeaderBlock munged = HeaderBlock.parse(raw, headerEnd);
      new FromMunger().apply(munged, list);
      source = munged.toBytes();
      sourceEnd = source.length;
    } else {
      source = raw;
      sourceEnd = headerEnd;
    }
    byte[] decorated = decorator.decorate(source, sourceEnd, list);
    HeaderBlock out = HeaderBlock.parse(decorated, decorated.length);
    DkimSignatures.prune(original, out);
    return new OutgoingCopy(out.toBytes(), Arrays.copyOfRange(raw, headerEnd, raw.length));
  }
}
