package org.fanmail.smtp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import org.fanmail.smtp.codec.DataReader;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * The message-data phase of one session: DATA and BDAT octets fed to their readers, the end of a
 * chunk, and the end of the message. A message the readers refused (bare CR or LF, a line too long,
 * too big) is answered with its reason and the transaction reset; an accepted one gets our {@code
 * Received:} field and goes to {@link PostIntake} on the worker pool, and the client hears the
 * intake's reply only after that work ends (250 only after the commit).
 *
 * <p>Runs on the session's event-loop context only, like the session. The transaction's buffers
 * belong to the transaction: the session's reset closes them whatever happens here.
 */
final class MessageData {
  private final SmtpSession session;
  private final SmtpServer server;

  /** The BDAT chunk being read, while the state is BDAT. */
  private BdatChunk chunk;

  MessageData(SmtpSession session, SmtpServer server) {
    this.session = session;
    this.server = server;
  }

  /** DATA accepted: replies 354 and reads the message. */
  void startData() {
    MailTransaction tx = session.transaction();
    tx.buffer = new SpillBuffer(server.config().spillThreshold());
    tx.dataReader = new DataReader(tx.buffer, tx.maxSize(server.config().maxMessageSize()));
    session.state(SessionState.DATA);
    session.reply(SmtpReplies.START_DATA);
  }

  /**
   * BDAT accepted syntactically: reads {@code size} octets. Without a transaction with recipients
   * the octets are read and discarded and the reply is {@code 503 5.5.1}, so framing holds.
   */
  void startChunk(long size, boolean last) {
    chunk = BdatChunk.start(session.transaction(), size, last, session.state(), server.config());
    session.state(SessionState.BDAT);
    if (size == 0) {
      finishChunk();
    }
  }

  /** Feeds input to the reader of the current state (DATA or BDAT); returns the octets it took. */
  int feed(Buffer input, int from, int length) {
    if (session.state() == SessionState.DATA) {
      return session.transaction().dataReader.feed(input, from, length);
    }
    return chunk.reader().feed(input, from, length);
  }

  /** Ends the message or the chunk when its reader has seen its end. */
  void finishIfDone() {
    if (session.state() == SessionState.DATA) {
      DataReader reader = session.transaction().dataReader;
      if (reader.isDone()) {
        finishMessage(reader.outcome());
      }
    } else if (chunk.reader().chunkDone()) {
      finishChunk();
    }
  }

  private void finishChunk() {
    session.state(chunk.before());
    if (chunk.refusal() != null) {
      session.reply(chunk.refusal());
      session.afterCommand();
      return;
    }
    DataReader.Outcome outcome = chunk.reader().outcome(chunk.last());
    if (chunk.last() || outcome != DataReader.Outcome.OK) {
      session.state(SessionState.BDAT);
      finishMessage(outcome);
      return;
    }
    session.reply(SmtpReplies.chunkReceived(session.transaction().buffer.size()));
    session.afterCommand();
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
      session.reply(refusal);
      session.reset();
      session.afterCommand();
      return;
    }
    MailTransaction tx = session.transaction();
    String helo = session.helo();
    String clientIp = session.clientIp();
    byte[] received =
        ReceivedHeader.render(
            ReceivedHeader.trace(
                tx,
                helo,
                session.esmtp(),
                clientIp,
                server.hostname(),
                session.sslSession(),
                session.id()));
    Future<Void> stored =
        session
            .blocking(() -> server.intake().accept(tx, received, clientIp, helo, server.hostname()))
            .map(
                r -> {
                  if (session.state() != SessionState.CLOSING) {
                    session.reply(r);
                    session.reset();
                  }
                  return null;
                });
    session.await(stored);
  }
}
