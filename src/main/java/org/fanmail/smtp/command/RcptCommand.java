package org.fanmail.smtp.command;

import io.vertx.core.Future;
import java.util.Optional;
import org.fanmail.smtp.ListRecipient;
import org.fanmail.smtp.MailTransaction;
import org.fanmail.smtp.SessionState;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;
import org.fanmail.smtp.codec.PathArgument;

/**
 * RCPT TO: adds a list recipient. Check: a transaction is open and no BDAT chunk has been sent,
 * path syntax ({@code <>} is a bad address, a source route is stripped), no parameters. Policy: at
 * most {@code max-recipients} ({@code 452 4.5.3}); the address must be a list or one of its
 * sub-addresses, asked of the database on a worker thread ({@code 550 5.1.1} otherwise, {@code 451
 * 4.3.0} when the database cannot answer).
 */
final class RcptCommand implements SmtpCommand {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(RcptCommand.class);

  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    SessionState state = session.state();
    MailTransaction tx = session.transaction();
    if (state == SessionState.CONNECTED) {
      session.reply(SmtpReplies.HELO_FIRST);
      return SmtpCommand.done();
    }
    if ((state != SessionState.MAIL && state != SessionState.RCPT)
        || tx == null
        || tx.chunksStarted) {
      session.reply(SmtpReplies.NEED_MAIL);
      return SmtpCommand.done();
    }
    PathArgument path;
    try {
      path = PathArgument.parse(argument, "TO");
    } catch (PathArgument.SyntaxException e) {
      session.reply(
          (e.addressProblem() ? SmtpReplies.BAD_ADDRESS : SmtpReplies.SYNTAX)
              .withText(e.getMessage()));
      return SmtpCommand.done();
    }
    if (path.isNull()) {
      session.reply(SmtpReplies.BAD_ADDRESS.withText("Null recipient"));
      return SmtpCommand.done();
    }
    if (!path.parameters().isEmpty()) {
      session.reply(SmtpReplies.UNKNOWN_PARAMETER);
      return SmtpCommand.done();
    }
    if (path.mailbox().needsSmtpUtf8() && !tx.smtpUtf8) {
      session.reply(SmtpReplies.NEEDS_SMTPUTF8);
      return SmtpCommand.done();
    }
    if (tx.recipients.size() >= session.config().maxRecipients()) {
      session.reply(SmtpReplies.TOO_MANY_RECIPIENTS);
      return SmtpCommand.done();
    }
    return session
        .blocking(() -> session.resolver().resolve(path.mailbox(), tx.reversePath))
        .otherwise(
            e -> {
              LOG.warnf("RCPT look-up failed: %s", e.toString());
              return null;
            })
        .<Void>map(
            (Optional<ListRecipient> found) -> {
              if (session.transaction() != tx) {
                return null; // the session was closed meanwhile
              }
              if (found == null) {
                session.reply(SmtpReplies.TEMPORARY_FAILURE);
              } else if (found.isEmpty()) {
                session.reply(SmtpReplies.NO_SUCH_RECIPIENT);
              } else {
                tx.addRecipient(found.get());
                session.state(SessionState.RCPT);
                session.reply(SmtpReplies.RECIPIENT_OK);
              }
              return null;
            });
  }
}
