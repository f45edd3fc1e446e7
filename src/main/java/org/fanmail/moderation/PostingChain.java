package org.fanmail.moderation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fanmail.list.ListLookup.ListInfo;

/**
 * The posting chain (Mailman's shape): every rule runs, every hit is recorded, and the first hit in
 * table order decides the action. The table is the whole policy:
 *
 * <pre>
 *   loop        → DISCARD   (our own copy coming back)
 *   auto-reply  → DISCARD   (vacation replies, bounces sent to the posting address)
 *   size        → REJECT
 *   announce    → REJECT
 *   non-member  → HOLD or REJECT (the list's nonMemberAction)
 *   moderated   → HOLD
 *   no hit      → ACCEPT
 * </pre>
 *
 * Pure and stateless; safe to share between threads.
 */
public final class PostingChain {

  /** What happens to the post. */
  public enum Action {
    ACCEPT,
    HOLD,
    REJECT,
    DISCARD
  }

  /** The outcome: the action, every rule that hit, and the reason of the deciding rule. */
  public record Decision(
      Action action, List<String> ruleHits, String reason, String decidingRule) {}

  private record Link(Rule rule, Function<ListInfo, Action> action) {}

  private final List<Link> table =
      List.of(
          new Link(new LoopRule(), l -> Action.DISCARD),
          new Link(new AutoReplyRule(), l -> Action.DISCARD),
          new Link(new SizeRule(), l -> Action.REJECT),
          new Link(new AnnounceRule(), l -> Action.REJECT),
          new Link(
              new NonMemberRule(),
              l -> "REJECT".equals(l.nonMemberAction()) ? Action.REJECT : Action.HOLD),
          new Link(new ModeratedRule(), l -> Action.HOLD));

  /** Runs every rule and decides. */
  public Decision decide(PostingContext context) {
    List<String> hits = new ArrayList<>();
    Action action = Action.ACCEPT;
    String reason = null;
    String deciding = null;
    for (Link link : table) {
      Rule.RuleResult r = link.rule().check(context);
      if (!r.hit()) {
        continue;
      }
      hits.add(link.rule().name());
      if (deciding == null) {
        deciding = link.rule().name();
        action = link.action().apply(context.list());
        reason = r.reason();
      }
    }
    return new Decision(action, List.copyOf(hits), reason, deciding);
  }
}
