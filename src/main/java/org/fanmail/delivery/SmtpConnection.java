package org.fanmail.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsMode;

/**
 * The framing layer of one outbound SMTP connection on a Vert.x {@link NetSocket}: writes command
 * lines (one at a time or many in one write, RFC 2920) and matches replies to them by position.
 * Each awaited reply has its own timeout, armed when it becomes the next expected one.
 *
 * <p>Used only from the connection's event-loop context. On a timeout, a malformed or over-long
 * reply, or the peer closing, every awaited reply fails and the socket is closed; the connection is
 * then dead for good.
 */
final class SmtpConnection {
  private static final int MAX_REPLY_LINE = 2048;
  private static final int MAX_REPLY_LINES = 100;

  private record Waiter(Promise<PeerReply> promise, long timeoutMillis, String command) {}

  private final Vertx vertx;
  private final NetSocket socket;
  private final String peer;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final List<String> lines = new ArrayList<>();
  private final Future<PeerReply> greeting;
  private long timer = -1;
  private Throwable dead;
  private HostTls policy = HostTls.of(TlsMode.OPPORTUNISTIC);

  private SmtpConnection(Vertx vertx, NetSocket socket, String peer, Duration greetingTimeout) {
    this.vertx = vertx;
    this.socket = socket;
    this.peer = peer;
    RecordParser parser = RecordParser.newDelimited("\r\n", this::onLine);
    parser.maxRecordSize(MAX_REPLY_LINE);
    parser.exceptionHandler(e -> fail(new IOException("over-long reply line from " + peer)));
    socket.handler(parser);
    socket.closeHandler(v -> fail(new IOException("connection closed by " + peer)));
    socket.exceptionHandler(e -> fail(e));
    this.greeting = expect(greetingTimeout, "greeting");
  }

  /** Connects to {@code address}; the future completes on connect, the greeting comes later. */
  static Future<SmtpConnection> open(
      Vertx vertx, NetClient client, SocketAddress address, String peer, Duration greetingTimeout) {
    return client.connect(address).map(s -> new SmtpConnection(vertx, s, peer, greetingTimeout));
  }

  String peer() {
    return peer;
  }

  boolean alive() {
    return dead == null;
  }

  /** Why the connection is dead, or null. */
  Throwable cause() {
    return dead;
  }

  Future<PeerReply> greeting() {
    return greeting;
  }

  /** Writes one command line and awaits its reply. */
  Future<PeerReply> send(String command, Duration timeout) {
    if (dead != null) {
      return Future.failedFuture(dead);
    }
    socket.write(Buffer.buffer(command + "\r\n", "UTF-8"));
    return expect(timeout, command);
  }

  /** Writes several command lines in one write (RFC 2920) and awaits one reply per line. */
  List<Future<PeerReply>> pipeline(List<String> commands, Duration timeout) {
    List<Future<PeerReply>> replies = new ArrayList<>(commands.size());
    if (dead != null) {
      for (int i = 0; i < commands.size(); i++) {
        replies.add(Future.failedFuture(dead));
      }
      return replies;
    }
    StringBuilder batch = new StringBuilder();
    for (String c : commands) {
      batch.append(c).append("\r\n");
    }
    socket.write(Buffer.buffer(batch.toString().getBytes(StandardCharsets.UTF_8)));
    for (String c : commands) {
      replies.add(expect(timeout, c));
    }
    return replies;
  }

  /** Writes message data (already dot-stuffed, with the final dot) and awaits the reply. */
  Future<PeerReply> sendData(Buffer data, Duration timeout) {
    if (dead != null) {
      return Future.failedFuture(dead);
    }
    socket.write(data);
    return expect(timeout, "end of data");
  }

  /**
   * Writes message data (dot-stuffed, with the final dot) and, in the same write, the commands of
   * the next transaction (RFC 2920: message content may open a group of commands); awaits the reply
   * to the final dot first, then one reply per command.
   */
  List<Future<PeerReply>> sendDataThen(
      ByteBuf data, Duration dataTimeout, List<String> commands, Duration timeout) {
    List<Future<PeerReply>> replies = new ArrayList<>(commands.size() + 1);
    if (dead != null) {
      for (int i = 0; i <= commands.size(); i++) {
        replies.add(Future.failedFuture(dead));
      }
      return replies;
    }
    StringBuilder batch = new StringBuilder();
    for (String c : commands) {
      batch.append(c).append("\r\n");
    }
    byte[] cmds = batch.toString().getBytes(StandardCharsets.UTF_8);
    socket.write(Buffer.buffer(Unpooled.wrappedBuffer(data, Unpooled.wrappedBuffer(cmds))));
    replies.add(expect(dataTimeout, "end of data"));
    for (String c : commands) {
      replies.add(expect(timeout, c));
    }
    return replies;
  }

  /** Upgrades the socket to TLS after a 220 to STARTTLS. */
  Future<Void> upgradeToTls(String serverName) {
    lines.clear();
    return socket.upgradeToSsl(serverName);
  }

  /** True once the socket runs over TLS. */
  boolean encrypted() {
    return socket.isSsl();
  }

  /** The server's certificate chain, leaf first (empty before TLS). */
  List<Certificate> peerCertificates() {
    try {
      return socket.isSsl() ? socket.peerCertificates() : List.of();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /** The TLS policy the connection was opened under (set by {@link OutboundConnector}). */
  HostTls policy() {
    return policy;
  }

  void policy(HostTls p) {
    this.policy = p;
  }

  /** Closes the socket; pending replies fail. */
  void close() {
    fail(new IOException("connection to " + peer + " closed by us"));
  }

  private Future<PeerReply> expect(Duration timeout, String command) {
    Promise<PeerReply> p = Promise.promise();
    if (dead != null) {
      p.fail(dead);
      return p.future();
    }
    waiters.add(new Waiter(p, Math.max(1, timeout.toMillis()), command));
    if (waiters.size() == 1) {
      arm();
    }
    return p.future();
  }

  private void arm() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Waiter head = waiters.peek();
    if (head != null) {
      timer =
          vertx.setTimer(
              head.timeoutMillis(),
              id ->
                  fail(
                      new TimeoutException(
                          "timeout after "
                              + head.timeoutMillis()
                              + " ms waiting for the reply to "
                              + head.command()
                              + " from "
                              + peer)));
    }
  }

  private void onLine(Buffer buffer) {
    String line = buffer.toString(StandardCharsets.UTF_8);
    if (line.length() < 3
        || !Character.isDigit(line.charAt(0))
        || !Character.isDigit(line.charAt(1))
        || !Character.isDigit(line.charAt(2))
        || lines.size() >= MAX_REPLY_LINES) {
      fail(new IOException("malformed reply from " + peer + ": " + abbreviate(line)));
      return;
    }
    lines.add(line);
    if (line.length() > 3 && line.charAt(3) == '-') {
      return;
    }
    PeerReply reply = PeerReply.of(lines);
    lines.clear();
    Waiter w = waiters.poll();
    if (w == null) {
      fail(new IOException("unexpected reply from " + peer + ": " + abbreviate(line)));
      return;
    }
    arm();
    w.promise().complete(reply);
  }

  private void fail(Throwable cause) {
    if (dead != null) {
      return;
    }
    dead = cause;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Waiter w;
    while ((w = waiters.poll()) != null) {
      w.promise().tryFail(cause);
    }
    socket.close();
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
