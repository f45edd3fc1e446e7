package org.fanmail.smtp.command;

import io.vertx.core.Future;
import java.util.Locale;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/**
 * BDAT (RFC 3030 CHUNKING): {@code BDAT <octets> [LAST]}. Once the syntax is right the octets are
 * always read, even when the sequence is wrong (then answered {@code 503 5.5.1}), because the
 * client has already sent them; a malformed BDAT line cannot be framed and is {@code 501 5.5.4}.
 */
final class BdatCommand implements SmtpCommand {
  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    String[] parts = argument.split(" ", -1);
    boolean last = parts.length == 2 && parts[1].toUpperCase(Locale.ROOT).equals("LAST");
    if (parts.length < 1
        || parts.length > 2
        || (parts.length == 2 && !last)
        || !parts[0].matches("[0-9]{1,18}")) {
      session.reply(SmtpReplies.SYNTAX.withText("Syntax: BDAT <octets> [LAST]"));
      return SmtpCommand.done();
    }
    session.startChunk(Long.parseLong(parts[0]), last);
    return SmtpCommand.done();
  }
}
