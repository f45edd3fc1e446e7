package org.fanmail.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.fanmail.config.DeliveryConfig;
import org.fanmail.config.FanmailConfig;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.fanout.Destination;
import org.fanmail.fanout.DestinationResolver;
import org.fanmail.fanout.HostPort;
import org.fanmail.shaping.ConnectionSlots;
import org.fanmail.shaping.Sites;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsPolicies;

/**
 * Everything a {@link DestinationRunner} needs from the process, built once by {@link
 * DeliveryScheduler} when it starts ({@link #create}) and shared by all its runners; immutable.
 * What a runner tells the scheduler back (its destination's next row, whether to linger, a row or
 * the runner done) goes through its {@link RunnerQueue}, not through this record.
 *
 * @param sites the delivery sites: limits, state, feedback
 * @param owner the id written into {@code lease_owner} by this process
 * @param lease how long a claimed row stays ours
 * @param defaultPort the port of a row's host given without one
 * @param session what every outbound session is opened with
 * @param lingerMillis how long a runner whose queue ran empty keeps its connection open
 * @param tlsPolicies the TLS policy of each candidate host (receivers' MTA-STS and DANE)
 * @param slots the sites' cluster-wide connection slots and connection rates
 */
record RunnerContext(
    Vertx vertx,
    NetClient client,
    DeliveryStore store,
    PreparedMessages messages,
    DestinationResolver resolver,
    DeliveryMetrics metrics,
    Sites sites,
    RetrySchedule retry,
    String owner,
    Duration lease,
    int defaultPort,
    SessionSettings session,
    long lingerMillis,
    TlsPolicies tlsPolicies,
    SiteSlots slots) {

  /** The context of {@code config}, with the one {@link NetClient} all runners connect through. */
  static RunnerContext create(
      Vertx vertx,
      FanmailConfig config,
      DeliveryStore store,
      PreparedMessages messages,
      DestinationResolver resolver,
      DeliveryMetrics metrics,
      Sites sites,
      RetrySchedule retry,
      String owner,
      ConnectionSlots slots) {
    DeliveryConfig d = config.delivery();
    NetClientOptions options =
        new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, d.timeouts().connect().toMillis()))
            .setTcpNoDelay(true);
    // The handshake accepts any certificate: what a host's certificate must be depends on its TLS
    // policy (none for opportunistic TLS, RFC 7435; a TLSA match under DANE; PKIX and the host name
    // under MTA-STS and tls=required), so OutboundConnector checks it after the handshake, before
    // anything else is sent.
    options.setTrustAll(true).setHostnameVerificationAlgorithm("");
    TlsPolicies policies =
        TlsPolicies.create(
            TlsPolicies.Settings.of(d),
            TlsPolicies.addresses(resolver::addresses),
            store.dataSource(),
            Clock.systemUTC());
    SessionSettings session =
        new SessionSettings(
            heloName(config),
            d.tls(),
            d.timeouts(),
            // Called on the runner's context: the look-up runs on a worker thread of it.
            host -> vertx.executeBlocking(() -> resolver.addresses(host), false),
            metrics,
            policies.certificates());
    return new RunnerContext(
        vertx,
        vertx.createNetClient(options),
        store,
        messages,
        resolver,
        metrics,
        sites,
        retry,
        owner,
        d.lease(),
        d.port(),
        session,
        DeliveryScheduler.LINGER_MILLIS,
        policies,
        new SiteSlots(vertx, slots, owner));
  }

  /** A row's hosts, or a fresh resolution (off the loop) when expansion could not resolve them. */
  Future<Destination> hostsOf(DeliveryJob job) {
    if (!job.hosts().isEmpty()) {
      List<HostPort> hosts = new ArrayList<>();
      for (String h : job.hosts()) {
        hosts.add(HostPort.parse(h, defaultPort));
      }
      return Future.succeededFuture(Destination.of(hosts));
    }
    return vertx.executeBlocking(() -> resolver.resolve(job.destination()), false);
  }

  /**
   * The TLS policy of each candidate host for the recipients' domains: the configured one when the
   * operator routes them (transport map, relay host), else receivers' policies ({@link
   * TlsPolicies#decide}), looked up off the event loop.
   */
  Function<HostPort, Future<HostTls>> tlsFor(List<Recipient> recipients) {
    List<String> domains =
        recipients.stream()
            .map(r -> r.email().substring(r.email().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT))
            .distinct()
            .toList();
    if (domains.isEmpty() || resolver.routedByOperator(domains.get(0))) {
      HostTls configured = tlsPolicies.configuredPolicy();
      return hp -> Future.succeededFuture(configured);
    }
    return hp ->
        vertx.executeBlocking(() -> tlsPolicies.decide(domains, hp.host(), hp.port(), true), false);
  }

  /**
   * The name said in EHLO: configured, else the SMTP host name, else this machine's name. Worked
   * out once (this machine's name may take a DNS look-up), not at every connection.
   */
  private static String heloName(FanmailConfig config) {
    return config
        .delivery()
        .heloName()
        .or(() -> config.smtp().hostname())
        .orElseGet(RunnerContext::localHostName);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
