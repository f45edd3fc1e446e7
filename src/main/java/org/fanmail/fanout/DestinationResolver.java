package org.fanmail.fanout;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;

/**
 * Resolves a recipient domain to its destination, in Postfix's order: the transport map, then the
 * relay host, then DNS (MX, implicit MX). Blocking (DNS): call it on worker threads only.
 *
 * <p>A transport map entry {@code host:port} without brackets still has its host's MX looked up;
 * {@code [host]:port} and IP literals are used as they are.
 *
 * <p>Only the operator's routes (transport map, relay host, and the MX hosts of a route's host) may
 * lead to loopback, private, link-local or other non-public addresses ({@link AddressScope}). A
 * host found through DNS for a recipient's domain is dropped from the destination when all its
 * addresses are non-public; a domain left with no host fails for good ({@code 5.4.4}: it is
 * unroutable, as with a null MX, so nobody waits days for a record that points inside our network).
 * At connect time {@link #addresses} drops non-public addresses of such hosts again, since DNS may
 * answer differently by then; a host left with none is a failed connection (the next host, then a
 * deferral). Networks the operator lists in {@code fanmail.delivery.allowed-mx-networks} count as
 * public here.
 */
@ApplicationScoped
@Startup
public class DestinationResolver {
  private final Optional<TransportMap> transportMap;
  private final Optional<TransportMap.Route> relay;
  private final MxResolver mx;
  private final int port;
  private final List<Cidr> allowed;

  @Inject
  public DestinationResolver(FanmailConfig config) {
    this(
        config.delivery().transportMap().map(p -> new TransportMap(p, config.delivery().port())),
        config
            .delivery()
            .relayHost()
            .map(r -> TransportMap.parseRoute(r, config.delivery().port())),
        new MxResolver(
            config.delivery().dnsServers().orElse(List.of()),
            Duration.ofSeconds(5),
            Clock.systemUTC()),
        config.delivery().port(),
        config.delivery().allowedMxNetworks().orElse(List.of()).stream().map(Cidr::parse).toList());
  }

  DestinationResolver(
      Optional<TransportMap> transportMap,
      Optional<TransportMap.Route> relay,
      MxResolver mx,
      int port) {
    this(transportMap, relay, mx, port, List.of());
  }

  DestinationResolver(
      Optional<TransportMap> transportMap,
      Optional<TransportMap.Route> relay,
      MxResolver mx,
      int port,
      List<Cidr> allowed) {
    this.transportMap = transportMap;
    this.relay = relay;
    this.mx = mx;
    this.port = port;
    this.allowed = List.copyOf(allowed);
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
    return publicHostsOnly(domain, mx.resolve(domain, port));
  }

  /**
   * Where mail for {@code domain} goes, when that is known without a look-up (an operator's route
   * to a named host, or fresh cached answers for the domain and its hosts' addresses); empty when
   * {@link #resolve} would have to ask DNS. The same answer {@link #resolve} gives.
   */
  public Optional<Destination> resolveCached(String domain) {
    Optional<TransportMap.Route> route = transportMap.flatMap(t -> t.lookup(domain));
    if (route.isEmpty()) {
      route = relay;
    }
    if (route.isPresent()) {
      TransportMap.Route r = route.get();
      return r.mxLookup()
          ? mx.cached(r.next().host(), r.next().port())
          : Optional.of(Destination.of(List.of(r.next())));
    }
    Optional<Destination> d = mx.cached(domain, port);
    if (d.isEmpty() || !d.get().routable()) {
      return d;
    }
    for (HostPort h : d.get().hosts()) {
      if (!mx.addressesKnown(h.host())) {
        return Optional.empty();
      }
    }
    return Optional.of(publicHostsOnly(domain, d.get()));
  }

  /**
   * Whether mail for {@code domain} goes where the operator's routes say (transport map, relay
   * host) rather than where its MX records say: receivers' TLS policies apply only to the latter.
   */
  public boolean routedByOperator(String domain) {
    return relay.isPresent() || transportMap.flatMap(t -> t.lookup(domain)).isPresent();
  }

  /**
   * The addresses of one candidate host (blocking). A host that none of the operator's routes names
   * keeps its public addresses only.
   *
   * @throws UnknownHostException when the host has no address now, or none that is public
   */
  public List<InetAddress> addresses(String host) throws UnknownHostException {
    List<InetAddress> all = mx.addresses(host);
    if (routed(host)) {
      return all;
    }
    List<InetAddress> kept = publicOnes(all);
    if (kept.isEmpty()) {
      throw new UnknownHostException(refusal(host, all));
    }
    return kept;
  }

  /**
   * {@code d} without the hosts whose addresses are all non-public; permanent when none is left. A
   * host whose addresses cannot be looked up now stays (the connection attempt decides).
   */
  private Destination publicHostsOnly(String domain, Destination d) {
    if (!d.routable()) {
      return d;
    }
    List<HostPort> kept = new ArrayList<>();
    int preferred = 0;
    String refused = null;
    for (int i = 0; i < d.hosts().size(); i++) {
      HostPort h = d.hosts().get(i);
      List<InetAddress> addrs;
      try {
        addrs = mx.addresses(h.host());
      } catch (UnknownHostException e) {
        addrs = List.of();
      }
      if (!addrs.isEmpty() && publicOnes(addrs).isEmpty()) {
        refused = refused == null ? refusal(h.host(), addrs) : refused;
        continue;
      }
      kept.add(h);
      if (i < d.preferredCount()) {
        preferred++;
      }
    }
    if (kept.size() == d.hosts().size()) {
      return d;
    }
    if (kept.isEmpty()) {
      return Destination.permanent("5.4.4 mail for " + domain + " refused: " + refused);
    }
    return new Destination(Destination.Outcome.ROUTABLE, kept, Math.max(1, preferred), null);
  }

  /** True when a transport map entry or the relay host leads to {@code host}. */
  private boolean routed(String host) {
    String h = new HostPort(host, port).host();
    if (relay.isPresent() && leadsTo(relay.get(), h)) {
      return true;
    }
    return transportMap.isPresent()
        && transportMap.get().routes().stream().anyMatch(r -> leadsTo(r, h));
  }

  private boolean leadsTo(TransportMap.Route r, String host) {
    if (r.next().host().equals(host)) {
      return true;
    }
    return r.mxLookup()
        && mx.resolve(r.next().host(), r.next().port()).hosts().stream()
            .anyMatch(hp -> hp.host().equals(host));
  }

  /** The addresses DNS may lead to: public ones, and those in the operator's allowed networks. */
  private List<InetAddress> publicOnes(List<InetAddress> addrs) {
    return addrs.stream()
        .filter(a -> AddressScope.isPublic(a) || allowed.stream().anyMatch(c -> c.contains(a)))
        .toList();
  }

  private static String refusal(String host, List<InetAddress> addrs) {
    return host
        + " points at a non-public address ("
        + addrs.get(0).getHostAddress()
        + "), used only through the transport map or relay host";
  }
}
