package org.fanmail.admin;

import java.time.Instant;
import org.fanmail.request.RequestAction;
import org.fanmail.request.SubscriptionRequest;

/** A subscription request as the admin API shows it. */
public record RequestDocument(
    long id,
    String email,
    RequestAction action,
    String state,
    boolean needsApproval,
    String source,
    String reason,
    Instant createdAt,
    Instant expiresAt,
    Instant decidedAt) {

  static RequestDocument of(SubscriptionRequest r) {
    return new RequestDocument(
        r.id(),
        r.email(),
        r.action(),
        r.state(),
        r.needsApproval(),
        r.source(),
        r.reason(),
        r.createdAt(),
        r.expiresAt(),
        r.decidedAt());
  }
}
