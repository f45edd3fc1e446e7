package org.fanmail.admin;

import java.time.Instant;

/**
 * The body of {@code POST /api/users/{email}/tokens}; no {@code expiresAt}: the longest allowed.
 */
public record TokenRequest(String name, Instant expiresAt) {}
