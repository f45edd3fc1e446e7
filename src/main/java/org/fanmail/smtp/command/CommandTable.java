package org.fanmail.smtp.command;

import java.util.Map;

/**
 * Verb → command. Verbs are looked up upper-cased (they are case-insensitive); {@code SEND SOML
 * SAML TURN} and every unknown verb get {@code 502 5.5.1}; {@code EXPN} too (membership is never
 * disclosed).
 */
public final class CommandTable {
  private static final SmtpCommand NOT_IMPLEMENTED = new NotImplementedCommand();

  private final Map<String, SmtpCommand> commands =
      Map.ofEntries(
          Map.entry("EHLO", new EhloCommand()),
          Map.entry("HELO", new HeloCommand()),
          Map.entry("MAIL", new MailCommand()),
          Map.entry("RCPT", new RcptCommand()),
          Map.entry("DATA", new DataCommand()),
          Map.entry("BDAT", new BdatCommand()),
          Map.entry("RSET", new RsetCommand()),
          Map.entry("NOOP", new NoopCommand()),
          Map.entry("QUIT", new QuitCommand()),
          Map.entry("VRFY", new VrfyCommand()),
          Map.entry("HELP", new HelpCommand()),
          Map.entry("STARTTLS", new StartTlsCommand()));

  /** The command for {@code verb} (already upper-case). */
  public SmtpCommand find(String verb) {
    return commands.getOrDefault(verb, NOT_IMPLEMENTED);
  }
}
