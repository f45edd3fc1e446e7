package org.fanmail.delivery;

import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.DeliveryTimeoutsConfig;

/**
 * What an outbound session needs from its surroundings, the same for every session of a process:
 * the name it says in EHLO, the TLS policy, the timeouts, how a host name becomes addresses (off
 * the event loop), and the metrics it counts connections and transactions in.
 */
record SessionSettings(
    String heloName,
    TlsPolicy tls,
    DeliveryTimeoutsConfig timeouts,
    Function<String, Future<List<InetAddress>>> addresses,
    DeliveryMetrics metrics) {}
