package org.fanmail.admin;

import java.time.Instant;
import java.util.List;
import org.fanmail.moderation.HeldPosts.HeldPost;

/** A held post in the moderation queue, as the admin API shows it. */
public record HeldPostDocument(
    long id,
    String messageId,
    String from,
    String subject,
    Instant receivedAt,
    List<String> ruleHits,
    String reason,
    int size) {
  static HeldPostDocument of(HeldPost p) {
    return new HeldPostDocument(
        p.id(),
        p.messageId(),
        p.from(),
        p.subject(),
        p.receivedAt(),
        p.ruleHits(),
        p.reason(),
        p.size());
  }
}
