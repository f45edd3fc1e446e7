package org.fanmail.console;

import java.time.Instant;

/** A member with bounces on record, as the bounces page lists them. */
public record BouncingMember(String email, String status, int bounceScore, Instant lastBounceAt) {}
