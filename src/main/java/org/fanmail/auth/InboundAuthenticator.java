package org.fanmail.auth;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.InboundAuthConfig;
import org.fanmail.fanout.HostPort;

/**
 * The inbound checks of one received message, run by the SMTP intake at the end of DATA before the
 * posting chain: SPF of the envelope identity ({@link SpfCheck}), each DKIM signature, and DMARC of
 * the From domain ({@link DmarcCheck}), every DNS query on {@code fanmail.delivery.dns-servers} and
 * charged to one {@link LookupBudget} of {@code fanmail.smtp.inbound-auth.dns-budget}, so a dead
 * resolver costs the client at most that long. Nothing here refuses mail: the verdict is recorded
 * in Authentication-Results and read by {@code memberAuth}.
 *
 * <p>Created at start-up, which fails on a budget outside 1 s to 60 s or a query timeout outside
 * 100 ms to the budget. A check that breaks unexpectedly (a bug, not DNS) ends as {@code temperror}
 * for its method, never as a failed transaction. Blocking: worker threads only.
 */
@ApplicationScoped
@Startup
public class InboundAuthenticator {
  static final Duration MIN_BUDGET = Duration.ofSeconds(1);
  static final Duration MAX_BUDGET = Duration.ofSeconds(60);

  private final boolean enabled;
  private final Duration budget;
  private final Duration queryTimeout;
  private final InboundDns dns;

  public InboundAuthenticator(FanmailConfig config) {
    InboundAuthConfig c = config.smtp().inboundAuth();
    this.enabled = c.enabled();
    this.budget = c.dnsBudget();
    this.queryTimeout = c.dnsQueryTimeout();
    validate(budget, queryTimeout);
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String s : config.delivery().dnsServers().orElse(List.of())) {
      HostPort hp = HostPort.parse(s, 53);
      servers.add(new InetSocketAddress(hp.host(), hp.port()));
    }
    this.dns = new InboundDns(servers);
  }

  /** Refuses a budget outside 1 s to 60 s, or a query timeout outside 100 ms to the budget. */
  static void validate(Duration budget, Duration queryTimeout) {
    if (budget.compareTo(MIN_BUDGET) < 0 || budget.compareTo(MAX_BUDGET) > 0) {
      throw new IllegalArgumentException(
          "fanmail.smtp.inbound-auth.dns-budget must be between 1s and 60s: " + budget);
    }
    if (queryTimeout.toMillis() < 100 || queryTimeout.compareTo(budget) > 0) {
      throw new IllegalArgumentException(
          "fanmail.smtp.inbound-auth.dns-query-timeout must be between 100ms and dns-budget: "
              + queryTimeout);
    }
  }

  /** False when {@code fanmail.smtp.inbound-auth.enabled} is off. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Checks one message.
   *
   * @param clientIp the client's numeric address
   * @param helo what the client said in HELO/EHLO
   * @param mailFrom the reverse-path, null for {@code <>}
   * @param fromDomain the domain of the From address, null when there is none
   * @param raw the whole message when it carries DKIM signatures, else null
   */
  public InboundVerdict check(
      String clientIp, String helo, String mailFrom, String fromDomain, byte[] raw) {
    LookupBudget b = LookupBudget.of(budget, queryTimeout);
    SpfCheck.Outcome spf = new SpfCheck(dns, b).check(address(clientIp), mailFrom, helo);
    List<DkimVerdict> dkim = raw == null ? List.of() : DkimChecks.verify(dns, b, raw);
    DmarcCheck.Outcome dmarc = new DmarcCheck(dns, b).evaluate(fromDomain, spf, dkim);
    return new InboundVerdict(spf, dkim, dmarc);
  }

  private static InetAddress address(String ip) {
    String s = ip.startsWith("[") ? ip.substring(1, ip.length() - 1) : ip;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    if (!s.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException("not a numeric client address: " + ip);
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a numeric client address: " + ip, e);
    }
  }
}
