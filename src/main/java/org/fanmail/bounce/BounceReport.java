package org.fanmail.bounce;

import java.util.List;

/**
 * The result of {@link BounceParser#parse}: what kind of message it was and, for bounces, the
 * recipients it reports on (at most {@link BounceParser#MAX_RECIPIENTS}, possibly none when a
 * bounce names nobody recognisably).
 */
public record BounceReport(BounceKind kind, List<BouncedRecipient> recipients) {
  public BounceReport {
    recipients = List.copyOf(recipients);
  }

  static BounceReport of(BounceKind kind) {
    return new BounceReport(kind, List.of());
  }
}
