package org.fanmail.moderation;

import java.util.Optional;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.list.MemberStatus;

/**
 * On a {@code MEMBERS} list, hits when neither the envelope sender nor the {@code From:} address is
 * an ACTIVE member. With {@code memberAuth} DMARC only the From address counts, and only when the
 * From domain was authenticated on arrival ({@link FromAuthentication#PASS}): a forged From of a
 * member is then a non-member's post. The chain then holds or rejects per the list's {@code
 * nonMemberAction}. (A {@link FromAuthentication#TEMPERROR} never gets this far: the intake answers
 * 451 for it, so a DNS hiccup is never turned into a rejection.)
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
    if (requiresDmarc(c)) {
      if (active(c.fromMember()) && c.fromAuthentication() == FromAuthentication.PASS) {
        return RuleResult.MISS;
      }
      if (active(c.fromMember()) || active(c.envelopeMember())) {
        return RuleResult.hit(
            "Only members may post to "
                + c.list().address()
                + "; the From address is not authenticated (DMARC)");
      }
      return RuleResult.hit("Only members may post to " + c.list().address());
    }
    if (active(c.envelopeMember()) || active(c.fromMember())) {
      return RuleResult.MISS;
    }
    return RuleResult.hit("Only members may post to " + c.list().address());
  }

  /**
   * True when the list asks for DMARC. With inbound checks off (UNCHECKED) nothing can pass, so
   * such a list treats every post as a non-member's: it fails closed rather than drop the
   * protection its owner asked for.
   */
  static boolean requiresDmarc(PostingContext c) {
    return "DMARC".equals(c.list().memberAuth());
  }

  /** True when the post would be a member's but for a From authentication that failed for now. */
  public static boolean waitsForDns(PostingContext c) {
    return "MEMBERS".equals(c.list().postingPolicy())
        && requiresDmarc(c)
        && c.fromAuthentication() == FromAuthentication.TEMPERROR
        && active(c.fromMember());
  }

  private static boolean active(Optional<MemberInfo> m) {
    return m.map(x -> MemberStatus.ACTIVE.name().equals(x.status())).orElse(false);
  }
}
