package org.fanmail.bounce;

import java.util.List;
import org.fanmail.bounce.BounceScoring.Disabled;
import org.fanmail.bounce.BounceScoring.ListRef;
import org.fanmail.config.FanmailConfig;

/**
 * The words of the notices bounce processing sends a list's owners: members disabled, and a
 * destination that looks like it blocks the list. Pure; the caller composes and queues them.
 */
final class BounceNotices {
  private BounceNotices() {}

  /** Subject and body of one notice; {@code kind} goes into {@code X-Fanmail-Notice}. */
  record Notice(String kind, String subject, String body) {}

  static Notice disabled(ListRef list, List<Disabled> members, FanmailConfig config) {
    StringBuilder b = new StringBuilder();
    b.append("Delivery to ")
        .append(members.size() == 1 ? "this member" : "these " + members.size() + " members")
        .append(" of ")
        .append(list.address())
        .append(" was disabled after repeated bounces (score ")
        .append(config.bounce().threshold())
        .append(" or more; at most one point a day):\n\n");
    for (Disabled d : members) {
      b.append("  ").append(d.email()).append("  score ").append(d.score());
      if (d.status() != null) {
        b.append(", status ").append(d.status());
      }
      b.append('\n');
      if (d.diagnostic() != null) {
        b.append("    ").append(d.diagnostic()).append('\n');
      }
    }
    b.append(
            "\nThey stay members but get no mail. To see their bounces or turn delivery back on:\n")
        .append("  GET  /api/lists/")
        .append(list.address())
        .append("/members/{email}/bounces\n")
        .append("  POST /api/lists/")
        .append(list.address())
        .append("/members/{email}/enable\n");
    String subject =
        members.size() == 1
            ? "Bounces: " + members.get(0).email() + " disabled on " + list.address()
            : "Bounces: " + members.size() + " members disabled on " + list.address();
    return new Notice("bounce-disabled", subject, b.toString());
  }

  static Notice burst(ListRef list, String domain, FanmailConfig config) {
    int cap = config.bounce().maxDisablesPerDestinationPerDay();
    String body =
        "Members of "
            + list.address()
            + " at "
            + domain
            + " are bouncing in numbers: "
            + cap
            + " of them were disabled within a day, the most fanmail disables for one"
            + " destination (fanmail.bounce.max-disables-per-destination-per-day).\n\n"
            + "This usually means "
            + domain
            + " refuses mail from this list (a blocklist, a rate limit, a policy), not that the"
            + " addresses are dead. Further members there keep their delivery for now: their"
            + " scores still rise, and they are disabled only as the limit allows.\n\n"
            + "Check the refusals with GET /api/lists/"
            + list.address()
            + "/members/{email}/bounces. Once the cause is fixed, scores whose last bounce is"
            + " older than "
            + config.bounce().staleAfter().toDays()
            + " days start again, and disabled members can be re-enabled with POST"
            + " /api/lists/"
            + list.address()
            + "/members/{email}/enable.\n\nYou get this notice at most once a day per"
            + " destination.\n";
    return new Notice(
        "bounce-burst", "Bounces: " + domain + " looks like it blocks " + list.address(), body);
  }
}
