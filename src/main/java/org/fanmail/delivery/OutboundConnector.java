package org.fanmail.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.fanout.HostPort;
import org.fanmail.tlspolicy.CertificateCheck;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsMode;
import org.fanmail.tlspolicy.TlsUse;
import org.jboss.logging.Logger;

/**
 * Opens an {@link OutboundSession} to a destination: tries its candidate hosts in order (the MX
 * fallback) and each host's addresses in order, and takes the first that connects, greets with 2xx
 * and completes EHLO (HELO when EHLO is refused with 5xx) and STARTTLS as the host's TLS policy
 * ({@link HostTls}) asks. A host its policy refuses is skipped with the reason. Under a policy that
 * requires TLS (MTA-STS enforce, DANE, {@code required}) a server without STARTTLS, a refused
 * STARTTLS, a failed handshake or a certificate that fails the policy's check ({@link
 * CertificateCheck}) gives the candidate up; otherwise the session goes on in plain text when the
 * server does not offer STARTTLS or refuses it, and a failed handshake is retried once in plain
 * text on a new connection to the same address (RFC 7435: opportunistic TLS must not cost the
 * delivery). Under MTA-STS testing a failed check is logged and counted, and the session goes on. A
 * greeting other than 2xx is answered with QUIT; any failure closes that connection and goes on to
 * the next address, then the next host, and when none is left the future fails with a {@link
 * ConnectFailure} carrying the last reason. Every host given up counts as a failed connection, the
 * session opened as a good one. Runs on the caller's event-loop context; host names become
 * addresses through {@link SessionSettings#addresses}, and policies through the given function,
 * both off the event loop.
 */
final class OutboundConnector {
  private static final Logger LOG = Logger.getLogger(OutboundConnector.class);

  private OutboundConnector() {}

  /** Opens a session with the configured policy for every host (hosts not found through MX). */
  static Future<OutboundSession> open(
      Vertx vertx, NetClient client, List<HostPort> hosts, SessionSettings settings) {
    HostTls configured = HostTls.of(modeOf(settings.tls()));
    return open(vertx, client, hosts, settings, hp -> Future.succeededFuture(configured));
  }

  /** Opens a session to the first candidate that answers with 2xx and completes EHLO (and TLS). */
  static Future<OutboundSession> open(
      Vertx vertx,
      NetClient client,
      List<HostPort> hosts,
      SessionSettings settings,
      Function<HostPort, Future<HostTls>> policies) {
    return tryHost(vertx, client, hosts, 0, settings, policies, "no candidate host", null);
  }

  /** The policy {@code fanmail.delivery.tls} names. */
  static TlsMode modeOf(TlsPolicy p) {
    return switch (p) {
      case none -> TlsMode.NONE;
      case opportunistic -> TlsMode.OPPORTUNISTIC;
      case required -> TlsMode.REQUIRED;
    };
  }

  private static Future<OutboundSession> tryHost(
      Vertx vertx,
      NetClient client,
      List<HostPort> hosts,
      int i,
      SessionSettings s,
      Function<HostPort, Future<HostTls>> policies,
      String lastError,
      TlsUse lastTls) {
    if (i >= hosts.size()) {
      return Future.failedFuture(new ConnectFailure(lastError, lastTls));
    }
    HostPort hp = hosts.get(i);
    TlsUse[] tried = {null};
    return policies
        .apply(hp)
        .compose(
            tls -> {
              tried[0] = new TlsUse(tls.mode(), false);
              if (!tls.usable()) {
                s.metrics().tlsRefused(tls.mode());
                return Future.failedFuture(new IllegalStateException(tls.refusal()));
              }
              return s.addresses()
                  .apply(hp.host())
                  .compose(
                      addrs ->
                          tryAddress(
                              vertx, client, hp, addrs, 0, s, tls, false, "no address for " + hp));
            })
        .recover(
            e -> {
              s.metrics().connection(false);
              return tryHost(vertx, client, hosts, i + 1, s, policies, messageOf(e), tried[0]);
            });
  }

  private static Future<OutboundSession> tryAddress(
      Vertx vertx,
      NetClient client,
      HostPort hp,
      List<InetAddress> addrs,
      int j,
      SessionSettings s,
      HostTls tls,
      boolean plain,
      String lastError) {
    if (j >= addrs.size()) {
      return Future.failedFuture(new IllegalStateException(lastError));
    }
    SocketAddress address =
        SocketAddress.inetSocketAddress(new InetSocketAddress(addrs.get(j), hp.port()));
    return SmtpConnection.open(vertx, client, address, hp.toString(), s.timeouts().command())
        .compose(conn -> handshake(conn, hp, s, tls, plain))
        .recover(
            e -> {
              if (e instanceof HandshakeFailed && !plain && !tls.mode().tlsRequired()) {
                LOG.infof("%s: %s; once more in plain text", hp, messageOf(e));
                return tryAddress(vertx, client, hp, addrs, j, s, tls, true, messageOf(e));
              }
              return tryAddress(
                  vertx,
                  client,
                  hp,
                  addrs,
                  j + 1,
                  s,
                  tls,
                  false,
                  "connect to " + hp + ": " + messageOf(e));
            });
  }

  /** A TLS handshake that did not complete (the connection is gone with it). */
  private static final class HandshakeFailed extends IllegalStateException {
    HandshakeFailed(String message) {
      super(message);
    }
  }

  private static Future<OutboundSession> handshake(
      SmtpConnection conn, HostPort hp, SessionSettings s, HostTls tls, boolean plain) {
    conn.policy(tls);
    return conn.greeting()
        .compose(
            g -> {
              if (!g.positive()) {
                conn.send("QUIT", s.timeouts().command());
                conn.close();
                return Future.failedFuture(
                    new IllegalStateException(hp + " greeted with " + g.text()));
              }
              return ehlo(conn, s);
            })
        .compose(caps -> plain ? Future.succeededFuture(caps) : startTls(conn, hp, caps, s, tls))
        .map(
            caps -> {
              s.metrics().connection(true);
              s.metrics().tlsSession(tls.mode(), conn.encrypted());
              return new OutboundSession(conn, caps, s, hp);
            })
        .onFailure(e -> conn.close());
  }

  private static Future<EhloCapabilities> ehlo(SmtpConnection conn, SessionSettings s) {
    return conn.send("EHLO " + s.heloName(), s.timeouts().command())
        .compose(
            r -> {
              if (r.positive()) {
                return Future.succeededFuture(EhloCapabilities.parse(r));
              }
              if (!r.permanentFailure()) {
                return Future.failedFuture(
                    new IllegalStateException(conn.peer() + " refused EHLO: " + r.text()));
              }
              return conn.send("HELO " + s.heloName(), s.timeouts().command())
                  .compose(
                      h ->
                          h.positive()
                              ? Future.succeededFuture(EhloCapabilities.NONE)
                              : Future.failedFuture(
                                  new IllegalStateException(
                                      conn.peer() + " refused HELO: " + h.text())));
            });
  }

  private static Future<EhloCapabilities> startTls(
      SmtpConnection conn, HostPort hp, EhloCapabilities caps, SessionSettings s, HostTls tls) {
    TlsMode mode = tls.mode();
    if (mode == TlsMode.NONE) {
      return Future.succeededFuture(caps);
    }
    if (tls.note() != null) {
      LOG.warnf("%s: %s; delivering anyway", hp, tls.note());
    }
    if (!caps.startTls()) {
      return mode.tlsRequired()
          ? Future.failedFuture(
              new IllegalStateException(
                  "4.7.4 TLS is required but " + hp + " does not offer it (" + mode + ")"))
          : Future.succeededFuture(caps);
    }
    return conn.send("STARTTLS", s.timeouts().command())
        .compose(
            r -> {
              if (r.code() != 220) {
                return mode.tlsRequired()
                    ? Future.failedFuture(
                        new IllegalStateException(
                            "4.7.4 TLS is required but "
                                + hp
                                + " refused STARTTLS ("
                                + mode
                                + "): "
                                + r.text()))
                    : Future.succeededFuture(caps);
              }
              return conn.upgradeToTls(hp.host())
                  .recover(
                      e ->
                          Future.failedFuture(
                              new HandshakeFailed(
                                  "4.7.5 TLS handshake with " + hp + " failed: " + messageOf(e))))
                  .compose(v -> checkCertificate(conn, hp, s, tls))
                  .compose(v -> ehlo(conn, s));
            });
  }

  /** The certificate against the host's policy: refused, or under testing only reported. */
  private static Future<Void> checkCertificate(
      SmtpConnection conn, HostPort hp, SessionSettings s, HostTls tls) {
    String failure = s.certificates().check(tls, hp.host(), conn.peerCertificates());
    if (failure == null) {
      return Future.succeededFuture();
    }
    s.metrics().tlsCheckFailed(tls.mode());
    if (tls.mode().tlsRequired()) {
      return Future.failedFuture(new IllegalStateException(failure + " (" + tls.mode() + ")"));
    }
    LOG.warnf("%s: %s (%s); delivering anyway", hp, failure, tls.mode());
    return Future.succeededFuture();
  }

  /** The message of {@code e}, or its class name when it has none: the text of our reasons. */
  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
