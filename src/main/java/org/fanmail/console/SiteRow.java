package org.fanmail.console;

import java.time.Instant;
import java.util.List;

/** One delivery site as the sites page shows it: its state now and what waits for it. */
public record SiteRow(
    String site,
    List<String> mxHosts,
    String profile,
    String state,
    Instant until,
    String reason,
    int connections,
    long messagesLastMinute,
    long pendingRecipients) {

  public boolean isSuspended() {
    return "SUSPENDED".equals(state);
  }

  public boolean isNormal() {
    return "NORMAL".equals(state);
  }
}
