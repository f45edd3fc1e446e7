package org.fanmail.queue;

/**
 * Fired (as a CDI event, after the commit) when posts have been stored, so that the fan-out stage
 * starts within milliseconds instead of at its next scan. A hint only: the periodic scan finds
 * every post even if this event is lost.
 *
 * @param postIds ids of the posts just committed
 */
public record PostCommitted(java.util.List<Long> postIds) {}
