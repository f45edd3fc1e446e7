package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SessionState;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/**
 * STARTTLS (RFC 3207): only when a certificate and key are configured ({@code 502 5.5.1}
 * otherwise), after EHLO, not inside TLS ({@code 503 5.5.1}). Bytes pipelined after it are
 * discarded, and the session forgets EHLO.
 */
final class StartTlsCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    if (!argument.isEmpty()) {
      session.reply(SmtpReplies.SYNTAX.withText("STARTTLS takes no argument"));
      return SmtpCommand.done();
    }
    if (session.tlsActive()) {
      session.reply(SmtpReplies.TLS_ACTIVE);
      return SmtpCommand.done();
    }
    if (!session.tlsOffered()) {
      session.reply(SmtpReplies.NOT_IMPLEMENTED);
      return SmtpCommand.done();
    }
    if (session.state() == SessionState.CONNECTED) {
      session.reply(SmtpReplies.HELO_FIRST);
      return SmtpCommand.done();
    }
    return session.startTls();
  }
}
