package org.fanmail.list;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * A list's digest settings, the list document's {@code digest} object (SPEC "Digests"): whether
 * digests are sent on their own, the Quartz cron schedule (seconds first, UTC), the pending size in
 * KiB that sends one at once, and the most posts one issue holds (null: {@link #MAX_POSTS}). On
 * input a component left out (null) keeps the current value; {@code maxPosts} sent as JSON null
 * clears it (the list patch tells the two apart).
 */
public record DigestSettings(
    Boolean enabled, String schedule, Integer sizeThresholdKb, Integer maxPosts) {

  /** The most posts an issue holds whatever the list says: a digest is one message. */
  public static final int MAX_POSTS = 500;

  /** The largest threshold a list may set (10 MiB): an issue is at most this plus one post. */
  public static final int MAX_THRESHOLD_KB = 10240;

  /** The schedule's length bound, as the column's check. */
  static final int MAX_SCHEDULE = 200;

  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

  /** The parser of list schedules, shared with the digest schedule scan. */
  public static CronParser cronParser() {
    return CRON;
  }

  /** {@code schedule} checked as a Quartz cron expression; a 400 problem when it is not one. */
  static String checkedSchedule(String schedule) {
    String s = TextRules.singleLine("digest.schedule", schedule, MAX_SCHEDULE).strip();
    try {
      CRON.parse(s).validate();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "digest.schedule is not a Quartz cron expression (seconds minutes hours day-of-month"
              + " month day-of-week, e.g. \"0 0 0 * * ?\"): "
              + e.getMessage());
    }
    return s;
  }

  static int checkedThreshold(int kb) {
    if (kb < 1 || kb > MAX_THRESHOLD_KB) {
      throw new InvalidInputException(
          "digest.sizeThresholdKb must be between 1 and " + MAX_THRESHOLD_KB);
    }
    return kb;
  }

  static Integer checkedMaxPosts(Integer posts) {
    if (posts != null && (posts < 1 || posts > MAX_POSTS)) {
      throw new InvalidInputException("digest.maxPosts must be between 1 and " + MAX_POSTS);
    }
    return posts;
  }
}
