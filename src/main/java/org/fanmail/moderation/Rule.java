package org.fanmail.moderation;

/**
 * One question about a post ("is it a loop?", "is the sender a member?"), answered with a hit and a
 * reason a person can read. Rules are pure: everything they need is in the {@link PostingContext},
 * they do no I/O and never throw, so a decision can always be explained and replayed.
 */
public interface Rule {
  /** Short stable name, recorded in {@code post.rule_hits} and used as a metric tag. */
  String name();

  /** Whether the rule hits this post, and why. */
  RuleResult check(PostingContext context);

  /** A rule's answer. */
  record RuleResult(boolean hit, String reason) {
    public static final RuleResult MISS = new RuleResult(false, null);

    public static RuleResult hit(String reason) {
      return new RuleResult(true, reason);
    }
  }
}
