package org.fanmail.admin;

import java.time.Instant;
import java.util.List;
import org.fanmail.shaping.SiteState;

/**
 * One delivery site in {@code GET /api/destinations}: its key and MX hosts, its state (NORMAL,
 * THROTTLED, SUSPENDED) until when and why, this instance's open connections and messages sent in
 * the last minute, and the recipients still to deliver to it across the cluster. {@code window} and
 * {@code profile} go beyond the SPEC's fields: the concurrency window of this instance and the
 * shaping profile the site follows.
 */
public record DestinationDocument(
    String site,
    List<String> mxHosts,
    SiteState state,
    Instant until,
    String reason,
    int connections,
    long messagesPerMinute,
    long pendingRecipients,
    int window,
    String profile) {}
