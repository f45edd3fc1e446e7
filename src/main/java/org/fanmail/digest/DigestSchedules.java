package org.fanmail.digest;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.fanmail.list.DigestSettings;

/**
 * When a list's digest is due: by its schedule (the first time the cron expression fires after the
 * period started is past; UTC), or by its pending posts (their size reaches the threshold, or their
 * number the list's maxPosts). Pure; a schedule that no longer parses is never due (the threshold
 * and REST still send).
 */
final class DigestSchedules {
  private DigestSchedules() {}

  static boolean scheduleDue(String cron, Instant periodStarted, Instant now) {
    try {
      ExecutionTime t = ExecutionTime.forCron(DigestSettings.cronParser().parse(cron));
      Optional<ZonedDateTime> next = t.nextExecution(periodStarted.atZone(ZoneOffset.UTC));
      return next.isPresent() && !next.get().toInstant().isAfter(now);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean thresholdReached(long posts, long bytes, int thresholdKb, Integer maxPosts) {
    return posts > 0 && (bytes >= thresholdKb * 1024L || (maxPosts != null && posts >= maxPosts));
  }
}
