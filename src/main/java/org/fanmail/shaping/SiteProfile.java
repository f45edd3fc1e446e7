package org.fanmail.shaping;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The limits and reply rules of the sites one profile matches (its MX host suffixes), or of every
 * other site (the defaults, without suffixes). A pure value; validated by {@link ShapingFile}.
 *
 * @param connections the most connections to the site (the concurrency window's ceiling)
 * @param initialConnections where the concurrency window starts
 * @param messagesPerConnection transactions on one connection before it is closed, 0: no limit
 * @param recipientsPerTransaction the most RCPTs in one transaction
 * @param messagesPerMinute the site's rate across the cluster, 0: no limit
 * @param connectionsPerMinute new connections a minute (per instance), 0: no limit
 * @param failedCohort failed transactions in a row at a window of one that suspend the site for
 *     {@code failedCohortSuspend}, 0: never
 */
public record SiteProfile(
    String name,
    List<String> mxSuffixes,
    int connections,
    int initialConnections,
    int messagesPerConnection,
    int recipientsPerTransaction,
    int messagesPerMinute,
    int connectionsPerMinute,
    int failedCohort,
    Duration failedCohortSuspend,
    List<ReplyRule> rules) {

  public SiteProfile {
    mxSuffixes = List.copyOf(mxSuffixes);
    rules = List.copyOf(rules);
  }

  /** Whether {@code host} (a name, maybe with {@code :port}) ends with one of the suffixes. */
  public boolean matchesHost(String host) {
    String h = hostName(host);
    for (String suffix : mxSuffixes) {
      if (h.endsWith(suffix) || h.equals(suffix.substring(1))) {
        return true;
      }
    }
    return false;
  }

  /** {@code mx.example:25} → {@code mx.example}, lower case, no trailing dot. */
  static String hostName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h;
    }
    int colon = h.lastIndexOf(':');
    if (colon > 0 && h.indexOf(':') == colon) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
