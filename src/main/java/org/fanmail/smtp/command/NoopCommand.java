package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** NOOP: 250, whatever the argument (RFC 5321 section 4.1.1.9), in any state. */
final class NoopCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    session.reply(SmtpReplies.OK);
    return SmtpCommand.done();
  }
}
