package org.fanmail.admin;

/**
 * Body of {@code POST /api/destinations/{site}/suspend}: for how many minutes no new transaction
 * goes to the site (1 to {@value DestinationResource#MAX_SUSPEND_MINUTES}, a week).
 */
public record SuspendRequest(Integer minutes) {}
