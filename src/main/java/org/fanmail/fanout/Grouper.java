package org.fanmail.fanout;

import org.fanmail.config.DeliveryConfig.GroupBy;

/**
 * Decides the group key of a recipient domain: recipients with one group key share SMTP
 * transactions. A pure function (no I/O, no state), tested as a table.
 *
 * <p>{@code group-by=host}: the most preferred destination host with its port, so domains hosted
 * behind one MX share transactions; among equally preferred hosts the lowest name is taken, so that
 * shuffling them for load spreading does not split a group. {@code group-by=domain}: the domain
 * itself (Postfix's behaviour). A domain that is not routable is always grouped by itself.
 */
public final class Grouper {
  private Grouper() {}

  /** The group key of {@code domain}, whose destination is {@code destination}. */
  public static String groupKey(String domain, Destination destination, GroupBy groupBy) {
    if (!destination.routable() || destination.hosts().isEmpty() || groupBy == GroupBy.domain) {
      return domain.toLowerCase(java.util.Locale.ROOT);
    }
    String best = null;
    int preferred = Math.max(1, Math.min(destination.preferredCount(), destination.hosts().size()));
    for (int i = 0; i < preferred; i++) {
      String candidate = destination.hosts().get(i).toString();
      if (best == null || candidate.compareTo(best) < 0) {
        best = candidate;
      }
    }
    return best;
  }
}
