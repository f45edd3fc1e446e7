package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Outbound delivery settings, under {@code fanmail.delivery}. */
public interface DeliveryConfig {
  /** Port used for MX hosts. */
  @WithDefault("25")
  @Range(min = 1, max = 65535)
  int port();

  /**
   * Transport map file ({@code domain host:port} a line, {@code .domain}, {@code *}); overrides
   * DNS.
   */
  @WithName("transport-map")
  Optional<Path> transportMap();

  /** Smarthost {@code host:port}: when set, every copy goes there. */
  @WithName("relay-host")
  @Matches("\\[?[A-Za-z0-9.:-]+]?(:\\d{1,5})?")
  Optional<String> relayHost();

  /** Resolvers {@code host:port,...} for MX/A/AAAA look-ups; default: the system's. */
  @WithName("dns-servers")
  @NoBlankItems
  Optional<List<String>> dnsServers();

  /**
   * Non-public networks ({@code 127.0.0.0/8}, {@code 10.0.0.0/8}, ...) that MX hosts found through
   * DNS may still lead to: for a site whose own resolver names internal MX hosts, and for tests and
   * benchmarks that route by MX records to loopback sinks. Default: none (see {@code
   * AddressScope}).
   */
  @WithName("allowed-mx-networks")
  @NoBlankItems
  Optional<List<String>> allowedMxNetworks();

  /**
   * {@code host}: domains behind one destination host share transactions; {@code domain}: per
   * domain.
   */
  @WithName("group-by")
  @WithDefault("host")
  GroupBy groupBy();

  /** RCPTs per transaction (RFC 5321 section 4.5.3.1.8: every server takes at least 100). */
  @WithName("max-recipients-per-transaction")
  @WithDefault("100")
  @Range(min = 1, max = 10000)
  int maxRecipientsPerTransaction();

  /** Outbound connections in all. */
  @WithName("max-connections")
  @WithDefault("100")
  @Range(min = 1)
  int maxConnections();

  /** Outbound connections to one destination host. */
  @WithName("max-connections-per-host")
  @WithDefault("10")
  @Range(min = 1)
  int maxConnectionsPerHost();

  /** Deferral back-off; after its last step that interval repeats until max-age. */
  @WithName("retry-schedule")
  @WithDefault("5m,10m,20m,40m,1h,2h,4h")
  List<Duration> retrySchedule();

  /** Age after which a deferred recipient fails for good. */
  @WithName("max-age")
  @WithDefault("5d")
  Duration maxAge();

  /** Outbound STARTTLS policy. */
  @WithDefault("opportunistic")
  TlsPolicy tls();

  /**
   * Extra certificate authorities (a PEM file of one or more certificates) trusted beside the JDK's
   * own, for the MTA-STS policy fetch and for the certificate checks of MTA-STS and {@code
   * tls=required}: for a site with its own CA, and for tests.
   */
  @WithName("tls-trust-store")
  Optional<Path> tlsTrustStore();

  /** Honour the MTA-STS policies (RFC 8461) of domains reached through their MX records. */
  @WithName("mta-sts")
  @WithDefault("true")
  boolean mtaSts();

  /** The HTTPS port MTA-STS policies are fetched from: 443 (RFC 8461); another only for tests. */
  @WithName("mta-sts-port")
  @WithDefault("443")
  @Range(min = 1, max = 65535)
  int mtaStsPort();

  /**
   * DANE for SMTP (RFC 7672): TLSA records of MX hosts, only when DNSSEC validates the MX and TLSA
   * answers (validated by fanmail itself from {@code dnssec-trust-anchor}). Off by default: the
   * resolvers of {@code dns-servers} must pass DNSSEC records through, or every answer is bogus.
   */
  @WithDefault("false")
  boolean dane();

  /**
   * Trust anchors for DNSSEC validation (DS or DNSKEY records in zone-file form); default: the root
   * zone's key-signing keys (KSK-2017 and KSK-2024).
   */
  @WithName("dnssec-trust-anchor")
  Optional<Path> dnssecTrustAnchor();

  /** Name in our EHLO; default: fanmail.smtp.hostname. */
  @WithName("helo-name")
  Optional<String> heloName();

  /** How long a claimed delivery stays ours before another instance may take it over. */
  @WithName("lease")
  @WithDefault("5m")
  Duration lease();

  /**
   * After start, greet fanmail's own SMTP listener once with the delivery client (EHLO, QUIT): the
   * first post then finds the client's code compiled and its one-time set-up done.
   */
  @WithName("warm-up")
  @WithDefault("true")
  boolean warmUp();

  /** How often the scheduler scans for due work (wake-ups after a commit come sooner). */
  @WithName("scan-interval")
  @WithDefault("5s")
  Duration scanInterval();

  /**
   * Traffic shaping file (YAML: defaults and per-site provider profiles, reply rules; see README
   * "Traffic shaping"), checked at start-up and re-read when it changes. Default: the shipped
   * provider profiles, with {@code max-connections-per-host} and {@code
   * max-recipients-per-transaction} as the defaults.
   */
  @WithName("shaping-file")
  Optional<Path> shapingFile();

  /** Outbound SMTP timeouts (RFC 5321 section 4.5.3.2 defaults). */
  DeliveryTimeoutsConfig timeouts();

  /** How recipients are grouped into transactions. */
  enum GroupBy {
    host,
    domain
  }

  /** Outbound STARTTLS policy. */
  enum TlsPolicy {
    none,
    opportunistic,
    required
  }
}
