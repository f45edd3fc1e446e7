package org.fanmail.queue;

import java.time.Instant;

/**
 * The post exists but its stored bytes were purged by {@link RawRetention}; the message is safe to
 * show. The REST layer answers 410 Gone.
 */
public final class RawPurgedException extends RuntimeException {
  public RawPurgedException(long id, Instant purgedAt) {
    super(
        "the bytes of post " + id + " were purged at " + purgedAt + " (retention)",
        null,
        false,
        false);
  }
}
