package org.fanmail.smtp;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.SmtpConfig;
import org.fanmail.mail.ClientNetwork;
import org.fanmail.mail.SmtpListening;
import org.fanmail.smtp.command.CommandTable;
import org.jboss.logging.Logger;

/**
 * The SMTP listener: a Vert.x {@link NetServer} started on {@link StartupEvent}, one {@link
 * SmtpSession} per connection. It enforces the connection caps (total and per client network, an
 * IPv4 address or an IPv6 /64: {@code 421 4.7.0} and close), keeps the per-network {@link
 * MessageRate}, and owns the worker pool on which sessions do their database work.
 *
 * <p>Shutdown ({@link ShutdownEvent}): refuse newcomers with {@code 421 4.3.2}, let sessions that
 * are reading or storing a message finish within {@code drain-timeout}, tell every other session
 * {@code 421 4.3.2}, then close what is left. A listener that cannot bind stops the application at
 * start-up.
 */
@ApplicationScoped
public class SmtpServer {
  private static final Logger LOG = Logger.getLogger(SmtpServer.class);

  /** Client networks whose message rate is remembered at once (about 100 bytes each). */
  private static final int MAX_RATED_NETWORKS = 100_000;

  private final Vertx vertx;
  private final SmtpConfig config;
  private final String hostname;
  private final RecipientResolver resolver;
  private final PostIntake intake;
  private final SmtpMetrics metrics;
  private final CommandTable commands;
  private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final MessageRate messageRate;
  private final Event<SmtpListening> listening;
  private WorkerExecutor workers;
  private NetServer server;
  private volatile int port = -1;
  private volatile boolean stopping;

  public SmtpServer(
      Vertx vertx,
      FanmailConfig fanmail,
      RecipientResolver resolver,
      PostIntake intake,
      SmtpMetrics metrics,
      Event<SmtpListening> listening) {
    this.vertx = vertx;
    this.listening = listening;
    this.config = fanmail.smtp();
    this.hostname = config.hostname().orElseGet(SmtpServer::machineName);
    this.resolver = resolver;
    this.intake = intake;
    this.metrics = metrics;
    this.commands = new CommandTable();
    this.messageRate =
        new MessageRate(
            config.maxMessagesPerIp(),
            config.messageRateWindow().toNanos(),
            MAX_RATED_NETWORKS,
            System::nanoTime);
  }

  void onStart(@Observes StartupEvent event) throws Exception {
    workers = vertx.createSharedWorkerExecutor("fanmail-smtp", 32);
    NetServerOptions options =
        new NetServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setTcpNoDelay(true)
            .setAcceptBacklog(2048);
    if (tlsConfigured()) {
      // ssl=false: TLS starts only on STARTTLS, through NetSocket.upgradeToSsl.
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(config.tls().cert().get().toString())
              .setKeyPath(config.tls().key().get().toString()));
    }
    server = vertx.createNetServer(options).connectHandler(this::accept);
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = server.actualPort();
    LOG.infof(
        "SMTP listening on %s:%d as %s%s",
        config.host(), port, hostname, tlsConfigured() ? " (STARTTLS offered)" : "");
    listening.fire(new SmtpListening(config.host(), port));
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /**
   * Stops accepting, drains and closes every session (see the class comment); blocks until done or
   * {@code drain-timeout} plus a grace of two seconds has passed. Safe to call twice.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    // Vert.x closes every accepted connection with the listener, so the listener stays open
    // (refusing newcomers with 421) until the sessions have drained.
    stopping = true;
    for (SmtpSession s : sessions) {
      s.drain();
    }
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    awaitSessions(deadline);
    for (SmtpSession s : sessions) {
      s.abort(SmtpReplies.shuttingDown(hostname));
    }
    awaitSessions(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warnf("closing the SMTP listener: %s", e.toString());
    }
    if (workers != null) {
      workers.close();
    }
    server = null;
    LOG.infof("SMTP stopped (%d sessions left)", sessions.size());
  }

  private void awaitSessions(long deadlineNanos) {
    synchronized (sessions) {
      while (!sessions.isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          sessions.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void accept(NetSocket socket) {
    String ip = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
    if (stopping) {
      metrics.reply(421);
      socket.write(SmtpReplies.shuttingDown(hostname).encode()).onComplete(v -> socket.close());
      return;
    }
    int all = total.incrementAndGet();
    String network = ClientNetwork.of(ip);
    int mine = perIp.computeIfAbsent(network, k -> new AtomicInteger()).incrementAndGet();
    if (all > config.maxConnections() || mine > config.maxConnectionsPerIp()) {
      release(network);
      metrics.reply(421);
      socket
          .write(SmtpReplies.tooManyConnections(hostname).encode())
          .onComplete(v -> socket.close());
      return;
    }
    SmtpSession session = new SmtpSession(this, socket, ip);
    sessions.add(session);
    metrics.sessionOpened();
    session.start();
  }

  /** Called once by a session when its socket is closed. */
  void closed(SmtpSession session) {
    release(ClientNetwork.of(session.clientIp()));
    metrics.sessionClosed();
    synchronized (sessions) {
      sessions.remove(session);
      sessions.notifyAll();
    }
  }

  private void release(String network) {
    total.decrementAndGet();
    perIp.computeIfPresent(network, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
  }

  /** Counts a transaction of {@code ip}'s network; false when that network is past its rate. */
  boolean admitMessage(String ip) {
    return messageRate.admit(ClientNetwork.of(ip));
  }

  /** True when STARTTLS can be offered. */
  public boolean tlsConfigured() {
    return config.tls().cert().isPresent() && config.tls().key().isPresent();
  }

  /** The port actually bound (useful with port 0); -1 before start. */
  public int port() {
    return port;
  }

  /** Sessions open now. */
  public int openSessions() {
    return sessions.size();
  }

  public String hostname() {
    return hostname;
  }

  SmtpConfig config() {
    return config;
  }

  Vertx vertx() {
    return vertx;
  }

  WorkerExecutor workers() {
    return workers;
  }

  RecipientResolver resolver() {
    return resolver;
  }

  PostIntake intake() {
    return intake;
  }

  SmtpMetrics metrics() {
    return metrics;
  }

  CommandTable commands() {
    return commands;
  }

  private static String machineName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
