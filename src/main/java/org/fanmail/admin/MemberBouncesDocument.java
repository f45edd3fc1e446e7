package org.fanmail.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.fanmail.bounce.MemberBounces;

/** A member's bounce record as the admin API shows it: score, threshold, recent events. */
@RegisterForReflection
public record MemberBouncesDocument(
    String email,
    String status,
    int bounceScore,
    Instant lastBounceAt,
    int threshold,
    List<Event> events) {

  /** One bounce: where it came from, what it said, what it did to the score. */
  @RegisterForReflection
  public record Event(
      Instant at,
      String source,
      Long postId,
      String action,
      String status,
      String diagnostic,
      String outcome,
      int scoreAfter) {}

  static MemberBouncesDocument of(MemberBounces.Info i) {
    return new MemberBouncesDocument(
        i.email(),
        i.status(),
        i.bounceScore(),
        i.lastBounceAt(),
        i.threshold(),
        i.events().stream()
            .map(
                e ->
                    new Event(
                        e.at(),
                        e.source(),
                        e.postId(),
                        e.action(),
                        e.status(),
                        e.diagnostic(),
                        e.outcome(),
                        e.scoreAfter()))
            .toList());
  }
}
