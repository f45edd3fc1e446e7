package org.fanmail.shaping;

/**
 * The state of a delivery site, mirroring the {@code shaping_site_state_ck} check constraint
 * ({@code StateConstraintsTest} keeps the two equal). Stored and bound by {@link #name()}, read
 * with {@link #valueOf}.
 *
 * <p>Moves: {@code NORMAL} → {@code THROTTLED} (a throttle rule: fewer connections, a lower rate,
 * until a time) or {@code SUSPENDED} (no new transaction until a time: a suspend rule, the failed
 * cohort of the concurrency feedback, an operator); either goes back to NORMAL when its time has
 * come or an operator resumes the site, and a throttled site may be suspended (and the other way).
 */
public enum SiteState {
  NORMAL,
  THROTTLED,
  SUSPENDED;

  /** Whether a site in this state may move to {@code next} (staying is not a move). */
  public boolean canMoveTo(SiteState next) {
    return next != this;
  }
}
