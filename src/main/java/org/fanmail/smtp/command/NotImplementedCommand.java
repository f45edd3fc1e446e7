package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/** {@code 502 5.5.1} for EXPN, SEND, SOML, SAML, TURN and every verb fanmail does not know. */
final class NotImplementedCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    session.reply(SmtpReplies.NOT_IMPLEMENTED);
    return SmtpCommand.done();
  }
}
