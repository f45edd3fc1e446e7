package org.fanmail.console;

import java.time.Instant;

/** One line of the moderation queue page: a held post and its list. */
public record HeldPostRow(
    long id,
    String list,
    String from,
    String subject,
    Instant receivedAt,
    String reason,
    int size) {}
