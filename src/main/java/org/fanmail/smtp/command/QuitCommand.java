package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** QUIT: 221 and close; whatever was pipelined after it is not read. */
final class QuitCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    if (!argument.isEmpty()) {
      session.reply(SmtpReplies.SYNTAX.withText("QUIT takes no argument"));
      return SmtpCommand.done();
    }
    session.reset();
    session.abort(SmtpReplies.BYE);
    return SmtpCommand.done();
  }
}
