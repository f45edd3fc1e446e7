package org.fanmail.queue;

/**
 * Fired (as a CDI event) after a post's expansion committed new delivery rows, so that delivery
 * starts at once instead of at its next scan; not for rows handed to this instance's scheduler
 * already leased ({@link DeliveryHandoff}). A hint only: the periodic scan finds every due row.
 *
 * @param postId the post just expanded
 */
public record DeliveriesReady(long postId) {}
