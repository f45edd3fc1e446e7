package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** RSET: drops the transaction, keeps the EHLO/HELO state. */
final class RsetCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    if (!argument.isEmpty()) {
      session.reply(SmtpReplies.SYNTAX.withText("RSET takes no argument"));
      return SmtpCommand.done();
    }
    session.reset();
    session.reply(SmtpReplies.OK);
    return SmtpCommand.done();
  }
}
