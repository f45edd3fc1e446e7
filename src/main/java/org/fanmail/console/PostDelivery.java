package org.fanmail.console;

import java.time.Instant;
import java.util.List;

/**
 * A post's delivery as the web admin shows it: totals and one line per destination host (the
 * numbers {@code GET /api/posts/{id}} answers, read through the same {@code queue.StatusQueries}).
 * {@code finished} once the post's state is final: the page stops refreshing.
 */
public record PostDelivery(
    long id,
    String list,
    String messageId,
    String from,
    String subject,
    Instant receivedAt,
    String state,
    long recipients,
    long delivered,
    long deferred,
    long failed,
    boolean finished,
    List<Host> hosts) {

  /** One destination host's share. */
  public record Host(
      String host, long recipients, long delivered, long deferred, long failed, String lastReply) {}

  /** Recipients not yet delivered, deferred or failed. */
  public long pending() {
    return Math.max(0, recipients - delivered - deferred - failed);
  }
}
