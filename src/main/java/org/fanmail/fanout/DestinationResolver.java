package org.fanmail.fanout;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;

/**
 * Resolves a recipient domain to its destination, in Postfix's order: the transport map, then the
 * relay host, then DNS (MX, implicit MX). Blocking (DNS): call it on worker threads only.
 *
 * <p>A transport map entry {@code host:port} without brackets still has its host's MX looked up;
 * {@code [host]:port} and IP literals are used as they are.
 */
@ApplicationScoped
@Startup
public class DestinationResolver {
  private final Optional<TransportMap> transportMap;
  private final Optional<TransportMap.Route> relay;
  private final MxResolver mx;
  private final int port;

  public DestinationResolver(FanmailConfig config) {
    FanmailConfig.Delivery d = config.delivery();
    this.port = d.port();
    this.transportMap = d.transportMap().map(p -> new TransportMap(p, d.port()));
    this.relay = d.relayHost().map(r -> TransportMap.parseRoute(r, d.port()));
    this.mx =
        new MxResolver(d.dnsServers().orElse(List.of()), Duration.ofSeconds(5), Clock.systemUTC());
  }

  /** Where mail for {@code domain} goes now. */
  public Destination resolve(String domain) {
    Optional<TransportMap.Route> route = transportMap.flatMap(t -> t.lookup(domain));
    if (route.isEmpty()) {
      route = relay;
    }
    if (route.isPresent()) {
      TransportMap.Route r = route.get();
      if (!r.mxLookup()) {
        return Destination.of(List.of(r.next()));
      }
      return mx.resolve(r.next().host(), r.next().port());
    }
    return mx.resolve(domain, port);
  }

  /** The addresses of one candidate host (blocking). */
  public List<InetAddress> addresses(String host) throws UnknownHostException {
    return mx.addresses(host);
  }
}
