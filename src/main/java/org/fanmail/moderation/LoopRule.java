package org.fanmail.moderation;

import java.util.Locale;

/**
 * Hits when the message has already been through this list: it carries this list's {@code List-Id}
 * ({@code <local.domain>}, RFC 2919) or {@code X-Loop: list@domain}. Such a message is our own copy
 * coming back (a forwarding member, a second list that includes this one) and must not be sent
 * again.
 */
public final class LoopRule implements Rule {
  @Override
  public String name() {
    return "loop";
  }

  @Override
  public RuleResult check(PostingContext c) {
    String id = "<" + c.listId().toLowerCase(Locale.ROOT) + ">";
    for (String v : c.headers().all("List-Id")) {
      if (v.toLowerCase(Locale.ROOT).contains(id)) {
        return RuleResult.hit("Message already carries List-Id " + id);
      }
    }
    String address = c.list().address().toLowerCase(Locale.ROOT);
    for (String v : c.headers().all("X-Loop")) {
      String bare = v.trim().toLowerCase(Locale.ROOT);
      if (bare.startsWith("<") && bare.endsWith(">")) {
        bare = bare.substring(1, bare.length() - 1).trim();
      }
      if (bare.equals(address)) {
        return RuleResult.hit("Message already carries X-Loop: " + address);
      }
    }
    return RuleResult.MISS;
  }
}
