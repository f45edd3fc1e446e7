package org.fanmail.fanout;

import java.util.List;

/**
 * Where the mail of one domain goes, or why it cannot go anywhere. {@code hosts} is in the order to
 * try; its first {@code preferredCount} entries share the best MX preference (shuffled among
 * themselves), which is what the {@link Grouper} looks at. A failure has no hosts and a reason in
 * reply-text form ({@code 5.1.2 ...}).
 */
public record Destination(
    Outcome outcome, List<HostPort> hosts, int preferredCount, String reason) {

  /** What resolution concluded. */
  public enum Outcome {
    /** Hosts to try. */
    ROUTABLE,
    /** The domain can never receive mail (NXDOMAIN, RFC 7505 null MX): fail its recipients. */
    PERMANENT,
    /** Could not tell now (SERVFAIL, timeout): try again later. */
    TEMPORARY
  }

  public Destination {
    hosts = List.copyOf(hosts);
  }

  /** Hosts to try, all equally preferred: a transport map entry, a relay host, an implicit MX. */
  public static Destination of(List<HostPort> hosts) {
    return new Destination(Outcome.ROUTABLE, hosts, hosts.size(), null);
  }

  public static Destination permanent(String reason) {
    return new Destination(Outcome.PERMANENT, List.of(), 0, reason);
  }

  public static Destination temporary(String reason) {
    return new Destination(Outcome.TEMPORARY, List.of(), 0, reason);
  }

  public boolean routable() {
    return outcome == Outcome.ROUTABLE;
  }
}
