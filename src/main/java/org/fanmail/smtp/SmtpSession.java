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
import org.fanmail.config.FanmailConfig;
import org.fanmail.smtp.codec.CommandLineDecoder;
import org.fanmail.smtp.codec.DataReader;
import org.fanmail.smtp.codec.SpillBuffer;
import org.fanmail.smtp.command.SmtpCommand;
import org.jboss.logging.Logger;

/**
 * One SMTP connection: an explicit {@link SessionState}, the input framing, and the order of
 * replies. Everything runs on the connection's event-loop context; database work goes to the
 * server's worker pool while the socket is paused, and the next pipelined command is read only
 * after the previous one has replied, so replies are always in command order.
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
  private static final int MAX_PENDING = 1024 * 1024;

  private final SmtpServer server;
  private final NetSocket socket;
  private final String clientIp;
  private final Context context;
  private final String id;
  private final CommandLineDecoder lines = new CommandLineDecoder();

  private SessionState state = SessionState.CONNECTED;
  private String helo;
  private boolean esmtp;
  private boolean tls;
  private MailTransaction transaction;
  private int transactions;
  private int errors;
  private int vrfys;
  private boolean busy;
  private boolean draining;
  private boolean socketClosed;
  private boolean released;
  private Buffer pending = Buffer.buffer();
  private int pendingPos;

  private final SessionDeadline deadline;

  /** The BDAT chunk being read, while the state is BDAT. */
  private BdatChunk chunk;

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
    if (pendingPos >= pending.length()) {
      pending = data;
    } else {
      pending = pending.getBuffer(pendingPos, pending.length()).appendBuffer(data);
    }
    pendingPos = 0;
    if (pending.length() > MAX_PENDING) {
      abort(SmtpReplies.tooManyErrors(server.hostname()));
      return;
    }
    process();
  }

  private void process() {
    while (!busy && state != SessionState.CLOSING && pendingPos < pending.length()) {
      int available = pending.length() - pendingPos;
      switch (state) {
        case DATA -> {
          DataReader reader = transaction.dataReader;
          int used = reader.feed(pending, pendingPos, available);
          pendingPos += used;
          deadline.data(used);
          if (reader.isDone()) {
            finishMessage(reader.outcome());
          }
        }
        case BDAT -> {
          int used = chunk.reader().feed(pending, pendingPos, available);
          pendingPos += used;
          deadline.data(used);
          if (chunk.reader().chunkDone()) {
            finishChunk();
          }
        }
        case TLS_HANDSHAKE -> {
          return;
        }
        default -> {
          pendingPos += lines.feed(pending, pendingPos, available);
          CommandLineDecoder.Line line = lines.take();
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
  private void await(Future<?> work) {
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

  private void afterCommand() {
    if (state == SessionState.CLOSING) {
      return;
    }
    if (errors >= server.config().maxErrors()) {
      abort(SmtpReplies.tooManyErrors(server.hostname()));
    } else if (draining && state != SessionState.DATA && state != SessionState.BDAT && !busy) {
      abort(SmtpReplies.shuttingDown(server.hostname()));
    }
  }

  // ---- message data -------------------------------------------------------------------------

  /** DATA accepted: replies 354 and reads the message. */
  public void startData() {
    MailTransaction tx = transaction;
    tx.buffer = new SpillBuffer(server.config().spillThreshold());
    tx.dataReader = new DataReader(tx.buffer, tx.maxSize(server.config().maxMessageSize()));
    state = SessionState.DATA;
    reply(SmtpReplies.START_DATA);
  }

  /**
   * BDAT accepted syntactically: reads {@code size} octets. Without a transaction with recipients
   * the octets are read and discarded and the reply is {@code 503 5.5.1}, so framing holds.
   */
  public void startChunk(long size, boolean last) {
    chunk = BdatChunk.start(transaction, size, last, state, server.config());
    state = SessionState.BDAT;
    if (size == 0) {
      finishChunk();
    }
  }

  private void finishChunk() {
    state = chunk.before();
    if (chunk.refusal() != null) {
      reply(chunk.refusal());
      afterCommand();
      return;
    }
    DataReader.Outcome outcome = chunk.reader().outcome(chunk.last());
    if (chunk.last() || outcome != DataReader.Outcome.OK) {
      state = SessionState.BDAT;
      finishMessage(outcome);
      return;
    }
    reply(SmtpReplies.chunkReceived(transaction.buffer.size()));
    afterCommand();
  }

  private void finishMessage(DataReader.Outcome outcome) {
    SmtpReply refusal =
        switch (outcome) {
          case BARE_LINE_ENDING -> SmtpReplies.BARE_LINE_ENDING;
          case LINE_TOO_LONG -> SmtpReplies.LINE_TOO_LONG_IN_DATA;
          case TOO_BIG -> SmtpReplies.TOO_BIG;
          case OK -> null;
        };
    if (refusal != null) {
      server.metrics().post("REFUSED", outcome.name().toLowerCase(Locale.ROOT));
      reply(refusal);
      reset();
      afterCommand();
      return;
    }
    MailTransaction tx = transaction;
    byte[] received =
        ReceivedHeader.render(
            ReceivedHeader.trace(
                tx,
                helo,
                esmtp,
                clientIp,
                server.hostname(),
                tls ? socket.sslSession() : null,
                id));
    String heloName = helo;
    Future<Void> stored =
        blocking(() -> server.intake().accept(tx, received, clientIp, heloName))
            .map(
                r -> {
                  if (state != SessionState.CLOSING) {
                    reply(r);
                    reset();
                  }
                  return null;
                });
    await(stored);
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
    pendingPos = pending.length();
    lines.take();
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
    if (reply.code() >= 500) {
      errors++;
    }
  }

  /** Counts an error toward max-errors without a 5xx reply (a client probing politely). */
  public void countError() {
    errors++;
  }

  /** Counts a VRFY on this session and returns how many there were, this one included. */
  public int countVrfy() {
    return ++vrfys;
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

  /** Counts a transaction toward the client network's message rate; false past it. */
  public boolean admitMessage() {
    return server.admitMessage(clientIp);
  }

  /** MAIL accepted: a new transaction. */
  public MailTransaction begin(String reversePath, String body, boolean smtpUtf8) {
    transaction = new MailTransaction(reversePath, body, smtpUtf8, ++transactions);
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

  public int transactionsStarted() {
    return transactions;
  }

  public FanmailConfig.Smtp config() {
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
