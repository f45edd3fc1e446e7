package org.fanmail.delivery;

import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.DeliveryTimeoutsConfig;
import org.fanmail.tlspolicy.CertificateCheck;

/**
 * What an outbound session needs from its surroundings, the same for every session of a process:
 * the name it says in EHLO, the TLS policy, the timeouts, how a host name becomes addresses (off
 * the event loop), the metrics it counts connections and transactions in, and the check of a
 * server's certificate against a host's TLS policy.
 */
record SessionSettings(
    String heloName,
    TlsPolicy tls,
    DeliveryTimeoutsConfig timeouts,
    Function<String, Future<List<InetAddress>>> addresses,
    DeliveryMetrics metrics,
    CertificateCheck certificates) {

  /** Settings whose certificate checks trust the JDK's authorities only. */
  SessionSettings(
      String heloName,
      TlsPolicy tls,
      DeliveryTimeoutsConfig timeouts,
      Function<String, Future<List<InetAddress>>> addresses,
      DeliveryMetrics metrics) {
    this(heloName, tls, timeouts, addresses, metrics, CertificateCheck.create(Optional.empty()));
  }
}
