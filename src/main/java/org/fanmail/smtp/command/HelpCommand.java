package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** HELP: 214 with the verbs fanmail speaks. */
final class HelpCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    session.reply(SmtpReplies.HELP);
    return SmtpCommand.done();
  }
}
