package org.fanmail.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.fanout.HostPort;

/**
 * Opens an {@link OutboundSession} to a destination: tries its candidate hosts in order (the MX
 * fallback) and each host's addresses in order, and takes the first that connects, greets with 2xx
 * and completes EHLO (HELO when EHLO is refused with 5xx) and STARTTLS as the policy asks ({@code
 * opportunistic} goes on in plain text when the server does not offer it or refuses it, {@code
 * required} gives the candidate up). A greeting other than 2xx is answered with QUIT; any failure
 * closes that connection and goes on to the next address, then the next host, and when none is left
 * the future fails with the last reason. Every host given up counts as a failed connection, the
 * session opened as a good one. Runs on the caller's event-loop context; host names become
 * addresses through {@link SessionSettings#addresses}, off the event loop.
 */
final class OutboundConnector {
  private OutboundConnector() {}

  /** Opens a session to the first candidate that answers with 2xx and completes EHLO (and TLS). */
  static Future<OutboundSession> open(
      Vertx vertx, NetClient client, List<HostPort> hosts, SessionSettings settings) {
    return tryHost(vertx, client, hosts, 0, settings, "no candidate host");
  }

  private static Future<OutboundSession> tryHost(
      Vertx vertx,
      NetClient client,
      List<HostPort> hosts,
      int i,
      SessionSettings s,
      String lastError) {
    if (i >= hosts.size()) {
      return Future.failedFuture(new IllegalStateException(lastError));
    }
    HostPort hp = hosts.get(i);
    return s.addresses()
        .apply(hp.host())
        .compose(addrs -> tryAddress(vertx, client, hp, addrs, 0, s, "no address for " + hp))
        .recover(
            e -> {
              s.metrics().connection(false);
              return tryHost(vertx, client, hosts, i + 1, s, messageOf(e));
            });
  }

  private static Future<OutboundSession> tryAddress(
      Vertx vertx,
      NetClient client,
      HostPort hp,
      List<InetAddress> addrs,
      int j,
      SessionSettings s,
      String lastError) {
    if (j >= addrs.size()) {
      return Future.failedFuture(new IllegalStateException(lastError));
    }
    SocketAddress address =
        SocketAddress.inetSocketAddress(new InetSocketAddress(addrs.get(j), hp.port()));
    return SmtpConnection.open(vertx, client, address, hp.toString(), s.timeouts().command())
        .compose(conn -> handshake(conn, hp, s))
        .recover(
            e ->
                tryAddress(
                    vertx, client, hp, addrs, j + 1, s, "connect to " + hp + ": " + messageOf(e)));
  }

  private static Future<OutboundSession> handshake(
      SmtpConnection conn, HostPort hp, SessionSettings s) {
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
        .compose(caps -> startTls(conn, hp, caps, s))
        .map(
            caps -> {
              s.metrics().connection(true);
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
      SmtpConnection conn, HostPort hp, EhloCapabilities caps, SessionSettings s) {
    if (s.tls() == TlsPolicy.none) {
      return Future.succeededFuture(caps);
    }
    if (!caps.startTls()) {
      return s.tls() == TlsPolicy.required
          ? Future.failedFuture(
              new IllegalStateException("4.7.4 TLS is required but " + hp + " does not offer it"))
          : Future.succeededFuture(caps);
    }
    return conn.send("STARTTLS", s.timeouts().command())
        .compose(
            r -> {
              if (r.code() != 220) {
                return s.tls() == TlsPolicy.required
                    ? Future.failedFuture(
                        new IllegalStateException(hp + " refused STARTTLS: " + r.text()))
                    : Future.succeededFuture(caps);
              }
              return conn.upgradeToTls(hp.host()).compose(v -> ehlo(conn, s));
            });
  }

  /** The message of {@code e}, or its class name when it has none: the text of our reasons. */
  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
