package org.fanmail.smtp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSession;
import org.fanmail.config.SmtpConfig;
import org.fanmail.smtp.codec.CommandLineDecoder;
import org.fanmail.smtp.command.SmtpCommand;
import org.jboss.logging.Logger;

/**
 * One SMTP connection: an explicit {@link SessionState}, the input framing, and the order of
 * replies. Everything runs on the connection's event-loop context; database work goes to the
 * server's worker pool while the socket is paused, and the next pipelined command is read only
 * after the previous one has replied, so replies are always in command order. Its parts: {@link
 * SessionInput} (input waiting, line framing), {@link MessageData} (DATA and BDAT to the intake),
 * {@link SessionLimits} (the counters behind the client's limits), {@link SessionDeadline}.
 *
 * <p>Bounds: a command line is at most 512 octets, unprocessed input waits only while the socket is
 * paused, message bytes beyond {@code spill-threshold} go to a temporary file. A command must be
 * complete within {@code idle-timeout} of the previous reply (a line trickled in a byte at a time
 * does not extend it), a message within {@code idle-timeout} plus one second per {@code
 * min-data-rate} octets; past either (while waiting for the client, not for the database): {@code
 * 421 4.4.2}. After {@code max-errors} error replies: {@code 421 4.7.0}. A worker failure that
 * escapes a command becomes {@code 451 4.3.0}; the session stays usable.
 */
public final class SmtpSession {
  private static final Logger LOG = Logger.getLogger(SmtpSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SmtpServer server;
  private final NetSocket socket;
  private final String clientIp;
  private final Context context;
  private final String id;
  private final SessionInput input = new SessionInput();

  private SessionState state = SessionState.CONNECTED;
  private String helo;
  private boolean esmtp;
  private boolean tls;
  private MailTransaction transaction;
  private boolean busy;
  private boolean draining;
  private boolean socketClosed;
  private boolean released;

  private final SessionDeadline deadline;
  private final MessageData message;
  private final SessionLimits limits;

  SmtpSession(SmtpServer server, NetSocket socket, String clientIp) {
    this.server = server;
    this.socket = socket;
    this.clientIp = clientIp;
    this.context = server.vertx().getOrCreateContext();
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    this.id = HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT);
    this.deadline =
        new SessionDeadline(
            server.vertx(),
            server.config(),
            () -> state == SessionState.CLOSING,
            () -> busy,
            () -> abort(SmtpReplies.idleTimeout(server.hostname())));
    this.message = new MessageData(this, server);
    this.limits = new SessionLimits(server, clientIp);
  }

  void start() {
    socket.handler(this::handle);
    socket.closeHandler(v -> onSocketClosed());
    socket.exceptionHandler(e -> LOG.debugf("session %s: %s", id, e.toString()));
    reply(SmtpReplies.greeting(server.hostname()));
    deadline.start();
  }

  // ---- input ------------------------------------------------------------------------------

  private void handle(Buffer data) {
    if (state == SessionState.CLOSING) {
      return;
    }
    server.metrics().bytesReceived(data.length());
    if (state == SessionState.TLS_HANDSHAKE && !socket.isSsl()) {
      return; // plaintext sent after STARTTLS, before the handshake: discarded (CVE-2011-0411)
    }
    if (!input.append(data)) {
      abort(SmtpReplies.tooManyErrors(server.hostname()));
      return;
    }
    process();
  }

  private void process() {
    while (!busy && state != SessionState.CLOSING && !input.isEmpty()) {
      switch (state) {
        case DATA, BDAT -> {
          deadline.data(input.feed(message::feed));
          message.finishIfDone();
        }
        case TLS_HANDSHAKE -> {
          return;
        }
        default -> {
          CommandLineDecoder.Line line = input.nextLine();
          if (line != null) {
            dispatch(line);
          }
        }
      }
    }
  }

  private void dispatch(CommandLineDecoder.Line line) {
    deadline.activity();
    if (line.isMalformed()) {
      reply(SmtpReplies.COMMAND_UNRECOGNIZED.withText(line.malformed()));
      afterCommand();
      return;
    }
    String text = line.text();
    int space = text.indexOf(' ');
    String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : text.substring(space + 1);
    SmtpCommand command = server.commands().find(verb);
    Future<Void> done;
    try {
      done = command.execute(this, argument);
    } catch (RuntimeException e) {
      LOG.warnf(e, "session %s: %s failed", id, verb);
      reply(SmtpReplies.TEMPORARY_FAILURE);
      done = Future.succeededFuture();
    }
    await(done);
  }

  /** Holds further input until {@code work} completes, then carries on reading. */
  void await(Future<?> work) {
    if (work.isComplete()) {
      afterCommand();
      return;
    }
    busy = true;
    if (state != SessionState.TLS_HANDSHAKE) {
      socket.pause();
    }
    work.onComplete(
        ar -> {
          busy = false;
          if (ar.failed()) {
            LOG.warnf(ar.cause(), "session %s: command failed", id);
            if (state != SessionState.CLOSING) {
              reply(SmtpReplies.TEMPORARY_FAILURE);
            }
          }
          if (state == SessionState.CLOSING) {
            dropTransaction();
            return;
          }
          deadline.activity();
          socket.resume();
          afterCommand();
          process();
        });
  }

  /** After a command's reply: too many errors, or shutting down between transactions: 421. */
  void afterCommand() {
    if (state == SessionState.CLOSING) {
      return;
    }
    if (limits.errorsExhausted()) {
      abort(SmtpReplies.tooManyErrors(server.hostname()));
    } else if (draining && state != SessionState.DATA && state != SessionState.BDAT && !busy) {
      abort(SmtpReplies.shuttingDown(server.hostname()));
    }
  }

  // ---- message data -------------------------------------------------------------------------

  /** DATA accepted: replies 354 and reads the message ({@link MessageData}). */
  public void startData() {
    message.startData();
  }

  /**
   * BDAT accepted syntactically: reads {@code size} octets. Without a transaction with recipients
   * the octets are read and discarded and the reply is {@code 503 5.5.1}, so framing holds.
   */
  public void startChunk(long size, boolean last) {
    message.startChunk(size, last);
  }

  // ---- TLS --------------------------------------------------------------------------------

  /**
   * Answers 220 and upgrades the socket. Input already buffered is dropped, and so is any plaintext
   * that arrives before the TLS handler is in place; afterwards the session is back in CONNECTED
   * and the client must say EHLO again.
   */
  public Future<Void> startTls() {
    reset();
    state = SessionState.TLS_HANDSHAKE;
    input.discard();
    Promise<Void> done = Promise.promise();
    socket
        .write(SmtpReplies.READY_FOR_TLS.encode())
        .compose(v -> socket.upgradeToSsl())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.debugf("session %s: TLS handshake failed: %s", id, ar.cause().toString());
                close();
              } else {
                tls = true;
                helo = null;
                esmtp = false;
                state = SessionState.CONNECTED;
              }
              done.complete();
            });
    server.metrics().reply(220);
    return done.future();
  }

  // ---- commands' view of the session -------------------------------------------------------

  /** Runs blocking {@code work} on the SMTP worker pool; completes on this session's context. */
  public <T> Future<T> blocking(Callable<T> work) {
    return server.workers().executeBlocking(work, false);
  }

  /** Writes a reply and counts it (5xx replies count toward max-errors). */
  public void reply(SmtpReply reply) {
    if (socketClosed) {
      return;
    }
    socket.write(reply.encode());
    server.metrics().reply(reply.code());
    limits.replied(reply.code());
  }

  /** Drops the transaction; back to GREETED (or CONNECTED before any EHLO/HELO). */
  public void reset() {
    dropTransaction();
    if (state != SessionState.CLOSING && state != SessionState.TLS_HANDSHAKE) {
      state = helo == null ? SessionState.CONNECTED : SessionState.GREETED;
    }
  }

  private void dropTransaction() {
    if (transaction != null) {
      transaction.close();
      transaction = null;
    }
  }

  /** EHLO/HELO accepted. */
  public void greeted(String name, boolean extended) {
    helo = name;
    esmtp = extended;
    reset();
  }

  /** MAIL accepted: a new transaction. */
  public MailTransaction begin(String reversePath, String body, boolean smtpUtf8) {
    transaction = new MailTransaction(reversePath, body, smtpUtf8, limits.nextTransaction());
    state = SessionState.MAIL;
    return transaction;
  }

  /** Replies and closes the connection (QUIT, 421). */
  public void abort(SmtpReply reply) {
    if (io.vertx.core.Vertx.currentContext() == context) {
      doAbort(reply);
    } else {
      context.runOnContext(v -> doAbort(reply));
    }
  }

  private void doAbort(SmtpReply reply) {
    if (state == SessionState.CLOSING) {
      return;
    }
    reply(reply);
    close();
  }

  /** Shutdown: finish a message being read or stored, otherwise say 421 now. */
  void drain() {
    context.runOnContext(
        v -> {
          draining = true;
          afterCommand();
        });
  }

  /** Closes the connection after the replies already written. */
  public void close() {
    if (state == SessionState.CLOSING) {
      return;
    }
    state = SessionState.CLOSING;
    socket.close();
  }

  private void onSocketClosed() {
    socketClosed = true;
    if (state != SessionState.CLOSING) {
      state = SessionState.CLOSING;
    }
    if (!busy) {
      dropTransaction();
    }
    deadline.cancel();
    if (!released) {
      released = true;
      server.closed(this);
    }
  }

  public SessionState state() {
    return state;
  }

  public void state(SessionState next) {
    state = next;
  }

  public MailTransaction transaction() {
    return transaction;
  }

  /** Errors, VRFYs and transactions counted on this session, toward the client's limits. */
  public SessionLimits limits() {
    return limits;
  }

  public SmtpConfig config() {
    return server.config();
  }

  public String hostname() {
    return server.hostname();
  }

  public String helo() {
    return helo;
  }

  public boolean esmtp() {
    return esmtp;
  }

  public boolean tlsActive() {
    return tls;
  }

  /** The TLS session when the connection is encrypted, else null. */
  SSLSession sslSession() {
    return tls ? socket.sslSession() : null;
  }

  /** STARTTLS may be offered: configured, and not yet in TLS. */
  public boolean tlsOffered() {
    return server.tlsConfigured() && !tls;
  }

  public String clientIp() {
    return clientIp;
  }

  public String id() {
    return id;
  }

  public RecipientResolver resolver() {
    return server.resolver();
  }
}
