package org.fanmail.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one mailed link per member within an interval (the unsubscribe form's confirmation, the
 * list page's settings link), so a form cannot be used to flood a member's mailbox. Remembered in
 * memory, per instance, for the {@value #MAX_REMEMBERED} members mailed last: a member forgotten
 * early may get a second link sooner, which the system mail caps still bound.
 */
final class LinkPacing {
  static final int MAX_REMEMBERED = 10_000;

  private final Duration interval;
  private final Map<Long, Instant> last = new LinkedHashMap<>(64, 0.75f, true);

  LinkPacing(Duration interval) {
    this.interval = interval;
  }

  /** True, and remembered, when {@code memberId} may be mailed a link at {@code now}. */
  synchronized boolean mayMail(long memberId, Instant now) {
    Instant previous = last.get(memberId);
    if (previous != null && now.isBefore(previous.plus(interval))) {
      return false;
    }
    last.put(memberId, now);
    if (last.size() > MAX_REMEMBERED) {
      last.remove(last.keySet().iterator().next());
    }
    return true;
  }
}
