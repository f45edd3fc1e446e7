package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.MailTransaction;
import org.fanmail.smtp.SessionState;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/**
 * DATA: check that there is a transaction with at least one recipient, not started with BDAT; then
 * 354 and the session reads the message through its {@code DataReader}.
 */
final class DataCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    MailTransaction tx = session.transaction();
    if (!argument.isEmpty()) {
      session.reply(SmtpReplies.SYNTAX.withText("DATA takes no argument"));
    } else if (session.state() == SessionState.CONNECTED) {
      session.reply(SmtpReplies.HELO_FIRST);
    } else if (tx == null) {
      session.reply(SmtpReplies.NEED_MAIL);
    } else if (session.state() != SessionState.RCPT || tx.chunksStarted) {
      session.reply(SmtpReplies.NEED_RCPT);
    } else {
      session.startData();
    }
    return SmtpCommand.done();
  }
}
