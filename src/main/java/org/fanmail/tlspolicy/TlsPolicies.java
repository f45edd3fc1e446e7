package org.fanmail.tlspolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.fanmail.config.DeliveryConfig;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * Decides the TLS policy of one candidate host for the recipient domains of one delivery ({@link
 * #decide}): {@code tls=none} turns TLS off for all; a host not found through the domains' MX
 * records (transport map, relay host) gets the configured policy; otherwise DANE applies when the
 * domain's MX answer and the host's TLSA answer validate and a TLSA record is usable (RFC 7672;
 * DANE wins over MTA-STS, RFC 8461 section 2), then an MTA-STS policy in enforce or testing mode,
 * then the configured policy. A domain in enforce mode whose policy does not list the host, or a
 * bogus TLSA answer, makes the host refused with the reason. In a row of several domains (grouped
 * by host) the strictest of their policies applies to all of them. Blocking (DNS, the policy
 * fetch): call it off the event loop.
 */
public final class TlsPolicies {
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

  private final TlsPolicy configured;
  private final CertificateCheck certificates;
  private final MtaStsPolicies mtaSts;
  private final DaneRecords dane;

  TlsPolicies(
      TlsPolicy configured,
      CertificateCheck certificates,
      MtaStsPolicies mtaSts,
      DaneRecords dane) {
    this.configured = configured;
    this.certificates = certificates;
    this.mtaSts = mtaSts;
    this.dane = dane;
  }

  /**
   * What the policies are built from: the configured policy, the extra trust store, the resolvers,
   * MTA-STS on or off and the port of its fetch, DANE on or off and its trust anchors (empty: the
   * root's).
   */
  public record Settings(
      TlsPolicy tls,
      Optional<Path> trustStore,
      List<String> dnsServers,
      boolean mtaSts,
      int mtaStsPort,
      boolean dane,
      Optional<Path> trustAnchors) {

    public static Settings of(DeliveryConfig d) {
      return new Settings(
          d.tls(),
          d.tlsTrustStore(),
          d.dnsServers().orElse(List.of()),
          d.mtaSts(),
          d.mtaStsPort(),
          d.dane(),
          d.dnssecTrustAnchor());
    }
  }

  /**
   * The policies of {@code d}; {@code addresses} gives a host's usable addresses (for the policy
   * fetch; it applies the same address scope as MX hosts); MTA-STS policies are kept in {@code
   * policyStore} across restarts (null: in memory only).
   *
   * @throws IllegalStateException when the trust store or trust anchor file cannot be read
   */
  public static TlsPolicies create(
      Settings d,
      Function<String, List<InetAddress>> addresses,
      DataSource policyStore,
      Clock clock) {
    CertificateCheck certificates = CertificateCheck.create(d.trustStore());
    MtaStsPolicies mtaSts =
        d.mtaSts()
            ? new MtaStsPolicies(
                resolver(d.dnsServers()),
                new MtaStsFetch(certificates.context(), d.mtaStsPort(), FETCH_TIMEOUT, addresses),
                policyStore == null ? null : new MtaStsStore(policyStore),
                clock)
            : null;
    DaneRecords dane = null;
    if (d.dane()) {
      try (InputStream anchors =
          d.trustAnchors().isPresent()
              ? Files.newInputStream(d.trustAnchors().get())
              : TlsPolicies.class.getResourceAsStream("root-anchors.txt")) {
        dane = new DaneRecords(resolver(d.dnsServers()), anchors, clock);
      } catch (IOException e) {
        throw new IllegalStateException(
            "fanmail.delivery.dnssec-trust-anchor: " + e.getMessage(), e);
      }
    }
    return new TlsPolicies(d.tls(), certificates, mtaSts, dane);
  }

  /** A host's usable addresses as an unchecked function (for {@link #create}). */
  public interface Addresses {
    List<InetAddress> of(String host) throws IOException;
  }

  /** {@code a} as the function {@link #create} takes. */
  public static Function<String, List<InetAddress>> addresses(Addresses a) {
    return host -> {
      try {
        return a.of(host);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  public CertificateCheck certificates() {
    return certificates;
  }

  /** The policy configured for hosts no receiver's policy covers. */
  public HostTls configuredPolicy() {
    return HostTls.of(base());
  }

  /**
   * The policy of {@code host}:{@code port} for mail to {@code domains}; {@code fromMx} when the
   * host came from the domains' MX records (receivers' policies apply only then).
   */
  public HostTls decide(Collection<String> domains, String host, int port, boolean fromMx) {
    TlsMode base = base();
    if (base == TlsMode.NONE || !fromMx) {
      return HostTls.of(base);
    }
    String h = normal(host);
    if (dane != null) {
      Optional<HostTls> byDane = dane(domains, h, port);
      if (byDane.isPresent()) {
        return byDane.get();
      }
    }
    if (mtaSts == null) {
      return HostTls.of(base);
    }
    TlsMode mode = null;
    String note = null;
    for (String d : domains) {
      Optional<MtaStsPolicy> p = mtaSts.policy(normal(d));
      if (p.isEmpty() || p.get().mode() == MtaStsPolicy.Mode.NONE) {
        continue;
      }
      boolean listed = p.get().allows(h);
      if (p.get().mode() == MtaStsPolicy.Mode.ENFORCE) {
        if (!listed) {
          return HostTls.refused(
              TlsMode.MTA_STS,
              "4.7.0 MTA-STS: " + host + " is not an MX host of the policy of " + d);
        }
        mode = TlsMode.MTA_STS;
      } else {
        if (mode == null) {
          mode = TlsMode.MTA_STS_TESTING;
        }
        if (!listed) {
          note = host + " is not an MX host of the MTA-STS policy (testing) of " + d;
        }
      }
    }
    if (mode == null || (mode == TlsMode.MTA_STS_TESTING && base == TlsMode.REQUIRED)) {
      return HostTls.of(base);
    }
    return new HostTls(mode, List.of(), null, note);
  }

  private Optional<HostTls> dane(Collection<String> domains, String host, int port) {
    for (String d : domains) {
      DaneRecords.Answer mx = dane.mx(normal(d));
      if (mx.security() == DaneRecords.Security.BOGUS) {
        // A forged or unverifiable MX answer may be an attack on DANE itself: defer (RFC 7672
        // section 2.2.1).
        return Optional.of(
            HostTls.refused(TlsMode.DANE, "4.7.5 DANE: MX look-up failed: " + mx.why()));
      }
      if (mx.security() != DaneRecords.Security.SECURE || !mx.mxHosts().contains(host)) {
        continue;
      }
      DaneRecords.Answer t = dane.tlsa(host, port);
      if (t.security() == DaneRecords.Security.BOGUS) {
        return Optional.of(
            HostTls.refused(TlsMode.DANE, "4.7.5 DANE: TLSA look-up failed: " + t.why()));
      }
      List<Tlsa> usable = new ArrayList<>();
      if (t.security() == DaneRecords.Security.SECURE) {
        t.tlsa().stream().filter(Tlsa::usable).forEach(usable::add);
      }
      return usable.isEmpty()
          ? Optional.empty()
          : Optional.of(new HostTls(TlsMode.DANE, usable, null, null));
    }
    return Optional.empty();
  }

  private TlsMode base() {
    return switch (configured) {
      case none -> TlsMode.NONE;
      case opportunistic -> TlsMode.OPPORTUNISTIC;
      case required -> TlsMode.REQUIRED;
    };
  }

  private static String normal(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** dnsjava resolvers for {@code host:port} entries (the system's when none). */
  static Resolver resolver(List<String> servers) {
    ExtendedResolver r;
    if (servers.isEmpty()) {
      r = new ExtendedResolver();
    } else {
      List<Resolver> list = new ArrayList<>();
      for (String s : servers) {
        int colon = s.lastIndexOf(':');
        boolean hasPort = colon > 0 && s.indexOf(':') == colon;
        String host = hasPort ? s.substring(0, colon) : s;
        int port = hasPort ? Integer.parseInt(s.substring(colon + 1)) : 53;
        list.add(
            new SimpleResolver(
                new InetSocketAddress(host.replace("[", "").replace("]", ""), port)));
      }
      r = new ExtendedResolver(list);
    }
    r.setTimeout(DNS_TIMEOUT);
    return r;
  }
}
