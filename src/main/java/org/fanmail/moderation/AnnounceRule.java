package org.fanmail.moderation;

import java.util.Locale;
import java.util.Optional;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.list.MemberRole;
import org.fanmail.list.MemberStatus;

/**
 * On an {@code ANNOUNCE} list, hits unless the envelope sender or the {@code From:} address is an
 * active OWNER or MODERATOR member, or is named in the list's owners.
 */
public final class AnnounceRule implements Rule {
  @Override
  public String name() {
    return "announce";
  }

  @Override
  public RuleResult check(PostingContext c) {
    if (!"ANNOUNCE".equals(c.list().postingPolicy())) {
      return RuleResult.MISS;
    }
    if (privileged(c.envelopeMember())
        || privileged(c.fromMember())
        || isOwner(c, c.envelopeFrom())
        || isOwner(c, c.fromAddress())) {
      return RuleResult.MISS;
    }
    return RuleResult.hit("Only owners and moderators may post to " + c.list().address());
  }

  private static boolean privileged(Optional<MemberInfo> m) {
    return m.map(
            x ->
                MemberStatus.ACTIVE.name().equals(x.status())
                    && (MemberRole.OWNER.name().equals(x.role())
                        || MemberRole.MODERATOR.name().equals(x.role())))
        .orElse(false);
  }

  private static boolean isOwner(PostingContext c, String address) {
    return address != null
        && c.list().owners().stream()
            .anyMatch(o -> o.toLowerCase(Locale.ROOT).equals(address.toLowerCase(Locale.ROOT)));
  }
}
