package org.fanmail.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.config.FanmailConfig;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;
import org.fanmail.decorate.Mailbox;
import org.fanmail.decorate.Mailboxes;
import org.jboss.logging.Logger;

/**
 * Decides, once per post and inside its expansion transaction, whether its copies are mitigated for
 * DMARC, and records the action and the reason on the post ({@code dmarc_action}, {@code
 * dmarc_reason}); decoration only reads it.
 *
 * <p>The rule: the list's {@code dmarcMitigation} is NONE → NONE. Otherwise, {@code
 * dmarcMitigateAlways} → the list's mode, without any DNS look-up. Otherwise the From domains of
 * the post (every mailbox of every From field, the first {@link #MAX_DOMAINS} distinct ones) are
 * looked up with {@link DmarcPolicies}: the list's mode when one publishes {@code p=quarantine} or
 * {@code p=reject} (or {@code sp=} via its organizational domain), and also when a look-up failed
 * (SERVFAIL, timeout): a mitigated copy is always accepted, an unmitigated one from a strict domain
 * is refused by every receiver that checks, which would count bounces against every member. More
 * From domains than the bound also mitigate. No From domain at all → NONE. Blocking (DNS): call on
 * the expander thread, never on an event loop.
 */
@ApplicationScoped
public class DmarcStep {
  private static final Logger LOG = Logger.getLogger(DmarcStep.class);

  /** From domains looked up per post at most. */
  static final int MAX_DOMAINS = 5;

  /** DMARC names kept in the cache at most. */
  static final int MAX_CACHED_NAMES = 10_000;

  private final DmarcPolicies policies;

  @Inject
  public DmarcStep(FanmailConfig config) {
    this(
        new DmarcPolicies(
            config.delivery().dnsServers().orElse(List.of()),
            Duration.ofSeconds(5),
            Clock.systemUTC(),
            MAX_CACHED_NAMES));
  }

  DmarcStep(DmarcPolicies policies) {
    this.policies = policies;
  }

  /** Decides for {@code postId} and records it, on {@code c} (the expansion's transaction). */
  public void decide(Connection c, long postId) throws SQLException {
    String mode;
    boolean always;
    byte[] head;
    try (PreparedStatement ps = c.prepareStatement(DmarcQueries.LOAD_DECISION_INPUT)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        mode = rs.getString(1);
        always = rs.getBoolean(2);
        head = rs.getBytes(3);
      }
    }
    if (DmarcAction.of(mode) == DmarcAction.NONE) {
      // Most lists: no look-up, no write; an unset action is NONE when the copy is built.
      return;
    }
    Decision d = decide(DmarcAction.of(mode), always, fromDomains(head));
    try (PreparedStatement ps = c.prepareStatement(DmarcQueries.RECORD_DECISION)) {
      ps.setString(1, d.action().name());
      ps.setString(2, d.reason());
      ps.setLong(3, postId);
      ps.executeUpdate();
    }
    if (d.action() != DmarcAction.NONE) {
      LOG.infof("post %d: DMARC %s (%s)", postId, d.action(), d.reason());
    }
  }

  /** An action and why. */
  record Decision(DmarcAction action, String reason) {}

  Decision decide(DmarcAction mode, boolean always, Set<String> domains) {
    if (mode == DmarcAction.NONE) {
      return new Decision(DmarcAction.NONE, "list mitigation is NONE");
    }
    if (always) {
      return new Decision(mode, "dmarcMitigateAlways");
    }
    if (domains.isEmpty()) {
      return new Decision(DmarcAction.NONE, "no From domain");
    }
    if (domains.size() > MAX_DOMAINS) {
      return new Decision(mode, "more than " + MAX_DOMAINS + " From domains");
    }
    StringBuilder relaxed = new StringBuilder();
    for (String domain : domains) {
      DmarcPolicies.Found f = policies.policyOf(domain);
      if (f.strict() || f.kind() == DmarcPolicies.Kind.FAILED) {
        return new Decision(mode, f.describe());
      }
      relaxed.append(relaxed.length() == 0 ? "" : "; ").append(f.describe());
    }
    return new Decision(DmarcAction.NONE, relaxed.toString());
  }

  /** The distinct domains of the From mailboxes, in order, one more than the bound at most. */
  static Set<String> fromDomains(byte[] head) {
    Set<String> out = new LinkedHashSet<>();
    if (head == null) {
      return out;
    }
    HeaderBlock block = HeaderBlock.parse(head, HeaderBlock.split(head));
    for (HeaderField f : block.fields()) {
      if (!f.is("From")) {
        continue;
      }
      for (Mailbox m : Mailboxes.parse(f.value())) {
        if (!m.domain().isEmpty() && out.size() <= MAX_DOMAINS) {
          out.add(m.domain());
        }
      }
    }
    return out;
  }
}
