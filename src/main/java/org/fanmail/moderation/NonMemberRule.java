package org.fanmail.moderation;

import java.util.Optional;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.list.MemberStatus;

/**
 * On a {@code MEMBERS} list, hits when neither the envelope sender nor the {@code From:} address is
 * an ACTIVE member. The chain then holds or rejects per the list's {@code nonMemberAction}.
 */
public final class NonMemberRule implements Rule {
  @Override
  public String name() {
    return "non-member";
  }

  @Override
  public RuleResult check(PostingContext c) {
    if (!"MEMBERS".equals(c.list().postingPolicy())) {
      return RuleResult.MISS;
    }
    if (active(c.envelopeMember()) || active(c.fromMember())) {
      return RuleResult.MISS;
    }
    return RuleResult.hit("Only members may post to " + c.list().address());
  }

  private static boolean active(Optional<MemberInfo> m) {
    return m.map(x -> MemberStatus.ACTIVE.name().equals(x.status())).orElse(false);
  }
}
