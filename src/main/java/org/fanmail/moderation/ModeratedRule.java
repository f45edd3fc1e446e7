package org.fanmail.moderation;

/** On a {@code MODERATED} list every post hits: a moderator decides. */
public final class ModeratedRule implements Rule {
  @Override
  public String name() {
    return "moderated";
  }

  @Override
  public RuleResult check(PostingContext c) {
    return "MODERATED".equals(c.list().postingPolicy())
        ? RuleResult.hit("Posts to " + c.list().address() + " are moderated")
        : RuleResult.MISS;
  }
}
