package org.fanmail.admin;

import java.time.Instant;
import org.fanmail.queue.PostArchive.ArchivedPost;

/** A post in a list's archive listing, as the admin API shows it. */
public record ArchivedPostDocument(
    long id,
    String messageId,
    String from,
    String subject,
    Instant receivedAt,
    String state,
    int size) {
  static ArchivedPostDocument of(ArchivedPost p) {
    return new ArchivedPostDocument(
        p.id(), p.messageId(), p.from(), p.subject(), p.receivedAt(), p.state(), p.size());
  }
}
