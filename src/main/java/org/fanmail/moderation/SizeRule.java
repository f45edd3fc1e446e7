package org.fanmail.moderation;

/** Hits when the message is larger than the list's own {@code max_message_size}. */
public final class SizeRule implements Rule {
  @Override
  public String name() {
    return "size";
  }

  @Override
  public RuleResult check(PostingContext c) {
    Long max = c.list().maxMessageSize();
    if (max != null && c.size() > max) {
      return RuleResult.hit("Message of " + c.size() + " octets exceeds the list limit of " + max);
    }
    return RuleResult.MISS;
  }
}
