package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.mail.EmailAddress;
import org.fanmail.smtp.SmtpReplies;
import org.fanmail.smtp.SmtpSession;

/**
 * VRFY: a list address answers {@code 250 2.1.5 List Name <list@domain>}; anything else, including
 * members, sub-addresses and database trouble, {@code 252 2.1.5} so that nothing about membership
 * leaks. Only the first {@link #LOOKUPS} of a session are looked up: later ones answer {@code 252}
 * at once and count toward {@code max-errors}, so a client cannot walk the list addresses (nor load
 * the database) one connection at a time.
 */
final class VrfyCommand implements SmtpCommand {
  /** VRFYs per session answered from the database; a real client needs one or two. */
  static final int LOOKUPS = 3;

  @Override
  public Future<Void> execute(SmtpSession session, String argument) {
    String a = argument.trim();
    if (a.startsWith("<") && a.endsWith(">")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      session.reply(SmtpReplies.SYNTAX.withText("Syntax: VRFY address"));
      return SmtpCommand.done();
    }
    if (session.limits().countVrfy() > LOOKUPS) {
      session.limits().countError();
      session.reply(SmtpReplies.CANNOT_VRFY);
      return SmtpCommand.done();
    }
    if (!EmailAddress.isValid(a)) {
      session.reply(SmtpReplies.CANNOT_VRFY);
      return SmtpCommand.done();
    }
    String address = EmailAddress.parse(a).key();
    return session
        .blocking(() -> session.resolver().list(address))
        .<Void>map(
            list -> {
              if (list.isPresent()) {
                String name = list.get().name().replaceAll("[\\p{Cntrl}<>]", "");
                session.reply(SmtpReplies.listVerified(name, list.get().address()));
              } else {
                session.reply(SmtpReplies.CANNOT_VRFY);
              }
              return null;
            })
        .recover(
            e -> {
              session.reply(SmtpReplies.CANNOT_VRFY);
              return Future.succeededFuture();
            });
  }
}
