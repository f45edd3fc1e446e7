package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** HELO: plain SMTP, no extensions; resets any transaction. */
final class HeloCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    if (!HeloName.valid(argument)) {
      session.reply(SmtpReplies.SYNTAX.withText("Syntax: HELO domain"));
      return SmtpCommand.done();
    }
    session.greeted(argument, false);
    session.reply(SmtpReplies.helo(session.hostname()));
    return SmtpCommand.done();
  }
}
