package org.fanmail.smtp.command;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.smtp.SessionState;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/**
 * EHLO: resets any transaction and lists the extensions: PIPELINING, SIZE, 8BITMIME, CHUNKING,
 * ENHANCEDSTATUSCODES, SMTPUTF8, STARTTLS (configured and not yet in TLS) and RFC 9422 LIMITS. The
 * first line carries the domain and no enhanced code (RFC 5321 section 4.1.1.1). Not BINARYMIME:
 * copies leave over DATA, so a binary body could not be relayed as received.
 */
final class EhloCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    if (!HeloName.valid(argument)) {
      session.reply(SmtpReplies.SYNTAX.withText("Syntax: EHLO domain"));
      return SmtpCommand.done();
    }
    if (session.state() == SessionState.TLS_HANDSHAKE) {
      session.reply(SmtpReplies.BAD_SEQUENCE);
      return SmtpCommand.done();
    }
    session.greeted(argument, true);
    List<String> lines = new ArrayList<>();
    lines.add(session.hostname() + " Hello " + argument + " [" + session.clientIp() + "]");
    lines.add("PIPELINING");
    lines.add("SIZE " + session.config().maxMessageSize());
    lines.add("8BITMIME");
    lines.add("CHUNKING");
    lines.add("ENHANCEDSTATUSCODES");
    lines.add("SMTPUTF8");
    if (session.tlsOffered()) {
      lines.add("STARTTLS");
    }
    lines.add(
        "LIMITS RCPTMAX="
            + session.config().maxRecipients()
            + " MAILMAX="
            + session.config().maxTransactions());
    session.reply(SmtpReplies.ehlo(lines));
    return SmtpCommand.done();
  }
}
