package org.fanmail.fanout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * MX resolution with dnsjava: MX records in preference order (equal preferences shuffled), the
 * implicit MX (the domain's own A/AAAA) when there is no MX, RFC 7505 null MX and NXDOMAIN as
 * permanent failures, SERVFAIL and timeouts as temporary ones. Answers are cached for the smallest
 * TTL of the records used (at most an hour); permanent failures for five minutes; temporary
 * failures are not cached. A host's addresses (the A and AAAA look-ups of {@link #addresses}) are
 * cached the same way, by the smallest TTL of the address records found: the non-public check of
 * every MX host ran both look-ups again for every domain of every post, and a resolver whose empty
 * AAAA answer carries no SOA (dnsmasq's local records) is never cached by dnsjava, so a post to
 * 2,000 domains cost 2,000 AAAA round trips, warm or not. Each cache holds at most {@link
 * #MAX_ENTRIES} entries; past that, the expired ones are dropped, and all of them if none has
 * expired.
 *
 * <p>Blocking: call it on worker threads only. Uses the given resolvers ({@code host:port}) or the
 * system's.
 */
public final class MxResolver {
  private static final Duration MAX_TTL = Duration.ofHours(1);
  private static final Duration NEGATIVE_TTL = Duration.ofMinutes(5);

  /** Entries in each cache at most (domains, hosts). */
  static final int MAX_ENTRIES = 100_000;

  private record Cached(Destination destination, Instant expires) {}

  private record CachedAddresses(List<InetAddress> addresses, Instant expires) {}

  private final Resolver resolver;
  private final boolean systemResolvers;
  private final Cache dnsCache = new Cache(DClass.IN);
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, CachedAddresses> addressCache = new ConcurrentHashMap<>();
  private final Clock clock;

  /**
   * @param servers {@code host:port} resolvers; empty: the system's
   * @param timeout per query
   */
  public MxResolver(List<String> servers, Duration timeout, Clock clock) {
    this.clock = clock;
    this.systemResolvers = servers.isEmpty();
    if (servers.isEmpty()) {
      this.resolver = new ExtendedResolver();
    } else {
      List<Resolver> list = new ArrayList<>();
      for (String s : servers) {
        HostPort hp = HostPort.parse(s, 53);
        list.add(new SimpleResolver(new InetSocketAddress(hp.host(), hp.port())));
      }
      this.resolver = new ExtendedResolver(list);
    }
    resolver.setTimeout(timeout);
    dnsCache.setMaxNCache(60);
  }

  /** Where mail for {@code domain} goes, hosts on {@code port}. */
  public Destination resolve(String domain, int port) {
    String key = domain + ":" + port;
    Cached hit = cache.get(key);
    Instant now = clock.instant();
    if (hit != null && hit.expires().isAfter(now)) {
      return reshuffle(hit.destination());
    }
    Answer answer = lookupMx(domain, port);
    Destination d = answer.destination();
    if (d.outcome() == Destination.Outcome.PERMANENT) {
      bounded(cache, now, Cached::expires).put(key, new Cached(d, now.plus(NEGATIVE_TTL)));
    } else if (d.routable()) {
      Duration ttl = answer.ttl().compareTo(MAX_TTL) > 0 ? MAX_TTL : answer.ttl();
      if (!ttl.isZero()) {
        bounded(cache, now, Cached::expires).put(key, new Cached(d, now.plus(ttl)));
      }
    }
    return d;
  }

  /**
   * The destination of {@code domain} on {@code port} when a fresh answer is cached; empty when
   * only a look-up can tell. Never waits for DNS.
   */
  public Optional<Destination> cached(String domain, int port) {
    Cached hit = cache.get(domain + ":" + port);
    if (hit != null && hit.expires().isAfter(clock.instant())) {
      return Optional.of(reshuffle(hit.destination()));
    }
    return Optional.empty();
  }

  /** Whether {@link #addresses} would answer {@code host} without a look-up. */
  public boolean addressesKnown(String host) {
    if (TransportMap.isIpLiteral(host)) {
      return true;
    }
    if (systemResolvers) {
      return false;
    }
    CachedAddresses hit = addressCache.get(host);
    return hit != null && hit.expires().isAfter(clock.instant());
  }

  /** {@code map}, with room for one more entry (see the class comment). */
  private static <V> Map<String, V> bounded(
      Map<String, V> map, Instant now, Function<V, Instant> expires) {
    if (map.size() >= MAX_ENTRIES) {
      map.values().removeIf(v -> !expires.apply(v).isAfter(now));
      if (map.size() >= MAX_ENTRIES) {
        map.clear();
      }
    }
    return map;
  }

  private record Answer(Destination destination, Duration ttl) {}

  private Answer lookupMx(String domain, int port) {
    Name name;
    try {
      name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
    } catch (TextParseException e) {
      return new Answer(Destination.permanent("5.1.2 bad domain name " + domain), Duration.ZERO);
    }
    Lookup mx = lookup(name, Type.MX);
    Record[] records = mx.run();
    switch (mx.getResult()) {
      case Lookup.SUCCESSFUL:
        return fromMx(domain, records, port);
      case Lookup.HOST_NOT_FOUND:
        return new Answer(
            Destination.permanent("5.1.2 domain " + domain + " does not exist (NXDOMAIN)"),
            Duration.ZERO);
      case Lookup.TYPE_NOT_FOUND:
        return implicitMx(domain, name, port);
      default:
        return new Answer(
            Destination.temporary(
                "4.4.3 MX look-up of " + domain + " failed for now: " + mx.getErrorString()),
            Duration.ZERO);
    }
  }

  private Answer fromMx(String domain, Record[] records, int port) {
    List<MXRecord> mxs = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : records) {
      if (r instanceof MXRecord m) {
        mxs.add(m);
        ttl = Math.min(ttl, m.getTTL());
      }
    }
    List<MXRecord> real = new ArrayList<>();
    for (MXRecord m : mxs) {
      if (!m.getTarget().equals(Name.root)) {
        real.add(m);
      }
    }
    if (real.isEmpty()) {
      return new Answer(
          Destination.permanent(
              "5.1.10 domain " + domain + " does not accept mail (null MX, RFC 7505)"),
          Duration.ZERO);
    }
    Collections.shuffle(real, ThreadLocalRandom.current());
    real.sort(Comparator.comparingInt(MXRecord::getPriority));
    List<HostPort> hosts = new ArrayList<>();
    int preferred = 0;
    for (MXRecord m : real) {
      hosts.add(new HostPort(m.getTarget().toString(true), port));
      if (m.getPriority() == real.get(0).getPriority()) {
        preferred++;
      }
    }
    return new Answer(
        new Destination(Destination.Outcome.ROUTABLE, hosts, preferred, null),
        Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
  }

  private Answer implicitMx(String domain, Name name, int port) {
    Lookup a = lookup(name, Type.A);
    Record[] ra = a.run();
    Lookup aaaa = lookup(name, Type.AAAA);
    Record[] raaaa = aaaa.run();
    boolean found = a.getResult() == Lookup.SUCCESSFUL || aaaa.getResult() == Lookup.SUCCESSFUL;
    if (found) {
      long ttl = Long.MAX_VALUE;
      for (Record[] set : new Record[][] {ra, raaaa}) {
        if (set != null) {
          for (Record r : set) {
            ttl = Math.min(ttl, r.getTTL());
          }
        }
      }
      return new Answer(
          Destination.of(List.of(new HostPort(domain, port))),
          Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
    }
    boolean temporary =
        a.getResult() == Lookup.TRY_AGAIN
            || aaaa.getResult() == Lookup.TRY_AGAIN
            || a.getResult() == Lookup.UNRECOVERABLE
            || aaaa.getResult() == Lookup.UNRECOVERABLE;
    if (temporary) {
      return new Answer(
          Destination.temporary("4.4.3 address look-up of " + domain + " failed for now"),
          Duration.ZERO);
    }
    return new Answer(
        Destination.permanent("5.1.2 domain " + domain + " has no MX and no address record"),
        Duration.ZERO);
  }

  /**
   * The addresses of one host: an IP literal as it is; a name through these resolvers (A, then
   * AAAA), or through the system's (which also reads /etc/hosts) when none were configured.
   *
   * @throws UnknownHostException when the name has no address (now)
   */
  public List<InetAddress> addresses(String host) throws UnknownHostException {
    if (TransportMap.isIpLiteral(host) || systemResolvers) {
      return List.of(InetAddress.getAllByName(host));
    }
    Instant now = clock.instant();
    CachedAddresses hit = addressCache.get(host);
    if (hit != null && hit.expires().isAfter(now)) {
      return hit.addresses();
    }
    Name name;
    try {
      name = Name.fromString(host.endsWith(".") ? host : host + ".");
    } catch (TextParseException e) {
      throw new UnknownHostException(host);
    }
    List<InetAddress> out = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (int type : new int[] {Type.A, Type.AAAA}) {
      Lookup l = lookup(name, type);
      Record[] rs = l.run();
      if (rs != null) {
        for (Record r : rs) {
          if (r instanceof ARecord ar) {
            out.add(ar.getAddress());
            ttl = Math.min(ttl, r.getTTL());
          } else if (r instanceof AAAARecord ar) {
            out.add(ar.getAddress());
            ttl = Math.min(ttl, r.getTTL());
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new UnknownHostException(host + " has no address record");
    }
    List<InetAddress> addresses = List.copyOf(out);
    if (ttl > 0 && ttl != Long.MAX_VALUE) {
      Instant expires = now.plus(Duration.ofSeconds(Math.min(ttl, MAX_TTL.toSeconds())));
      bounded(addressCache, now, CachedAddresses::expires)
          .put(host, new CachedAddresses(addresses, expires));
    }
    return addresses;
  }

  private Lookup lookup(Name name, int type) {
    Lookup l = new Lookup(name, type);
    l.setResolver(resolver);
    l.setCache(dnsCache);
    return l;
  }

  /** A cached answer keeps its preference tiers but spreads load across equal hosts again. */
  private static Destination reshuffle(Destination d) {
    if (d.preferredCount() < 2) {
      return d;
    }
    List<HostPort> hosts = new ArrayList<>(d.hosts());
    Collections.shuffle(hosts.subList(0, d.preferredCount()), ThreadLocalRandom.current());
    return new Destination(d.outcome(), hosts, d.preferredCount(), d.reason());
  }
}
