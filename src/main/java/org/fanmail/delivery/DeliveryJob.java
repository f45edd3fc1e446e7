package org.fanmail.delivery;

import java.util.List;

/**
 * One claimed delivery row held in memory while its lease runs: the unit a destination's
 * connections work through.
 */
record DeliveryJob(
    long deliveryId, long postId, String destination, List<String> hosts, int attempts) {}
