package org.fanmail.moderation;

import java.util.Locale;

/**
 * Hits on automatic mail: an {@code Auto-Submitted} field other than {@code no} (RFC 3834), or a
 * post with the null sender {@code <>} (bounces and other notifications never belong on the list).
 */
public final class AutoReplyRule implements Rule {
  @Override
  public String name() {
    return "auto-reply";
  }

  @Override
  public RuleResult check(PostingContext c) {
    for (String v : c.headers().all("Auto-Submitted")) {
      String token = v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!token.equals("no")) {
        return RuleResult.hit("Automatic message (Auto-Submitted: " + token + ")");
      }
    }
    if (c.envelopeFrom() == null) {
      return RuleResult.hit("Null sender posting to the list");
    }
    return RuleResult.MISS;
  }
}
