package org.fanmail.smtp.command;

import io.vertx.core.Future;
import org.fanmail.smtp.SmtpSession;

/**
 * One SMTP verb (Apache James's shape): check the syntax and the sequence, apply policy, then apply
 * the command, replying exactly once. Runs on the session's event loop; anything blocking goes
 * through {@link SmtpSession#blocking}, and the returned future completes when the reply has been
 * given, so the session reads no further pipelined input before that.
 */
public interface SmtpCommand {
  /** Executes the command with its argument (the text after the verb and one space). */
  Future<Void> execute(SmtpSession session, String argument);

  /** The common completed result of a command that replied synchronously. */
  static Future<Void> done() {
    return Future.succeededFuture();
  }
}
