package org.fanmail.shaping;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One reply rule of a site profile: a pattern a peer's reply is matched against (its three-digit
 * code, its RFC 3463 enhanced code as a prefix, a regular expression on its text; each optional,
 * all given must match) and what the site does when it has matched {@code matches} times within
 * {@code window}: {@link Action#THROTTLE} (at most {@code connections} connections and {@code
 * messagesPerMinute} messages a minute for {@code duration}) or {@link Action#SUSPEND} (no new
 * transaction for {@code duration}). A pure value; validated by {@link ShapingFile}.
 *
 * @param code the reply code to match, 0 for any
 * @param enhanced the enhanced code prefix to match ({@code 4.7.} matches 4.7.0 and 4.7.28), or
 *     null
 * @param text matched with {@code find()} against the reply text, or null
 * @param connections THROTTLE: the site's connection limit meanwhile
 * @param messagesPerMinute THROTTLE: the site's rate meanwhile (0: the profile's own)
 */
public record ReplyRule(
    String name,
    int code,
    String enhanced,
    Pattern text,
    Action action,
    Duration duration,
    int matches,
    Duration window,
    int connections,
    int messagesPerMinute) {

  /** What a rule does to its site. */
  public enum Action {
    THROTTLE,
    SUSPEND
  }

  /** Whether {@code reply} matches this rule's pattern. */
  public boolean matches(Reply reply) {
    if (code != 0 && reply.code() != code) {
      return false;
    }
    if (enhanced != null && (reply.enhanced() == null || !enhancedMatches(reply.enhanced()))) {
      return false;
    }
    return text == null || text.matcher(reply.text()).find();
  }

  /** {@code 4.7.2} matches 4.7.2 but not 4.7.28; {@code 4.7.} matches both. */
  private boolean enhancedMatches(String actual) {
    return enhanced.endsWith(".") ? actual.startsWith(enhanced) : actual.equals(enhanced);
  }
}
