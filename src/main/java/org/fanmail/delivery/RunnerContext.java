package org.fanmail.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.InetAddress;
import java.time.Duration;
import org.fanmail.config.DeliveryConfig;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.DestinationResolver;
import org.fanmail.shaping.Sites;

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
    long lingerMillis) {

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
      long lingerMillis) {
    DeliveryConfig d = config.delivery();
    NetClientOptions options =
        new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, d.timeouts().connect().toMillis()))
            .setTcpNoDelay(true);
    if (d.tls() == TlsPolicy.opportunistic) {
      // Opportunistic TLS only guards against passive listening; an unverified certificate is
      // still better than plain text (RFC 7435).
      options.setTrustAll(true).setHostnameVerificationAlgorithm("");
    } else if (d.tls() == TlsPolicy.required) {
      options.setHostnameVerificationAlgorithm("HTTPS");
    }
    SessionSettings session =
        new SessionSettings(
            heloName(config),
            d.tls(),
            d.timeouts(),
            // Called on the runner's context: the look-up runs on a worker thread of it.
            host -> vertx.executeBlocking(() -> resolver.addresses(host), false),
            metrics);
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
        lingerMillis);
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
