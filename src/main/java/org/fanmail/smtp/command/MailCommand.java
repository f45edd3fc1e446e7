package org.fanmail.smtp.command;

import io.vertx.core.Future;
import java.util.Locale;
import java.util.Map;
import org.fanmail.smtp.SessionState;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;
import org.fanmail.smtp.codec.PathArgument;

/**
 * MAIL FROM: starts a transaction. Check: greeted, no transaction open, path syntax ({@code <>}
 * allowed). Policy: parameters {@code SIZE} (over the limit: {@code 552 5.3.4}), {@code
 * BODY=7BIT|8BITMIME}, {@code SMTPUTF8} (needed for a non-ASCII address), anything else {@code 555
 * 5.5.4}, {@code BODY=BINARYMIME} included: it is not advertised, because copies leave over DATA,
 * which cannot carry a binary body (RFC 3030 section 3); at most {@code max-transactions} per
 * connection ({@code 452 4.5.3}); at most {@code max-messages-per-ip} per client network and window
 * ({@code 421 4.7.0} and close: the client is told to come back later, not to retry at once).
 */
final class MailCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    SessionState state = session.state();
    if (state == SessionState.CONNECTED) {
      session.reply(SmtpReplies.HELO_FIRST);
      return SmtpCommand.done();
    }
    if (state != SessionState.GREETED) {
      session.reply(SmtpReplies.NESTED_MAIL);
      return SmtpCommand.done();
    }
    PathArgument path;
    try {
      path = PathArgument.parse(argument, "FROM");
    } catch (PathArgument.SyntaxException e) {
      session.reply(
          (e.addressProblem() ? SmtpReplies.BAD_ADDRESS : SmtpReplies.SYNTAX)
              .withText(e.getMessage()));
      return SmtpCommand.done();
    }
    String body = "7BIT";
    boolean utf8 = false;
    for (Map.Entry<String, String> p : path.parameters().entrySet()) {
      String value = p.getValue();
      if (!session.esmtp()) {
        session.reply(SmtpReplies.UNKNOWN_PARAMETER.withText("No parameters after HELO"));
        return SmtpCommand.done();
      }
      switch (p.getKey()) {
        case "SIZE" -> {
          if (value == null || !value.matches("[0-9]{1,18}")) {
            session.reply(SmtpReplies.SYNTAX.withText("Syntax: SIZE=<octets>"));
            return SmtpCommand.done();
          }
          if (Long.parseLong(value) > session.config().maxMessageSize()) {
            session.reply(
                SmtpReplies.TOO_BIG.withText(
                    "Message size exceeds the limit of " + session.config().maxMessageSize()));
            return SmtpCommand.done();
          }
        }
        case "BODY" -> {
          String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
          if (v.equals("BINARYMIME")) {
            session.reply(
                SmtpReplies.UNKNOWN_PARAMETER.withText("BODY=BINARYMIME is not supported"));
            return SmtpCommand.done();
          }
          if (!v.equals("7BIT") && !v.equals("8BITMIME")) {
            session.reply(SmtpReplies.SYNTAX.withText("BODY must be 7BIT or 8BITMIME"));
            return SmtpCommand.done();
          }
          body = v;
        }
        case "SMTPUTF8" -> {
          if (value != null) {
            session.reply(SmtpReplies.SYNTAX.withText("SMTPUTF8 takes no value"));
            return SmtpCommand.done();
          }
          utf8 = true;
        }
        default -> {
          session.reply(
              SmtpReplies.UNKNOWN_PARAMETER.withText("Unsupported parameter " + p.getKey()));
          return SmtpCommand.done();
        }
      }
    }
    if (!path.isNull() && path.mailbox().needsSmtpUtf8() && !utf8) {
      session.reply(SmtpReplies.NEEDS_SMTPUTF8);
      return SmtpCommand.done();
    }
    if (session.limits().transactionsStarted() >= session.config().maxTransactions()) {
      session.reply(SmtpReplies.TOO_MANY_TRANSACTIONS);
      return SmtpCommand.done();
    }
    if (!session.limits().admitMessage()) {
      session.abort(SmtpReplies.tooManyMessages(session.hostname()));
      return SmtpCommand.done();
    }
    String reversePath = path.isNull() ? null : path.mailbox().toString().toLowerCase(Locale.ROOT);
    session.begin(reversePath, body, utf8);
    session.reply(SmtpReplies.SENDER_OK);
    return SmtpCommand.done();
  }
}
