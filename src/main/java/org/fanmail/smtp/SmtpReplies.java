package org.fanmail.smtp;

import org.fanmail.moderation.MessageHeaders;

/**
 * Every reply fanmail's SMTP server gives, as named values (Apache James's habit), so the
 * conversation tests and the code speak of the same things. Enhanced codes per RFC 3463.
 */
public final class SmtpReplies {
  private SmtpReplies() {}

  public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
  public static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "Sender ok");
  public static final SmtpReply RECIPIENT_OK = new SmtpReply(250, "2.1.5", "Recipient ok");
  public static final SmtpReply START_DATA =
      new SmtpReply(354, null, "End data with <CR><LF>.<CR><LF>");
  public static final SmtpReply BYE = new SmtpReply(221, "2.0.0", "Bye");
  public static final SmtpReply READY_FOR_TLS = new SmtpReply(220, "2.0.0", "Ready to start TLS");
  public static final SmtpReply CANNOT_VRFY =
      new SmtpReply(252, "2.1.5", "Cannot VRFY user, but will accept message for lists");
  public static final SmtpReply HELP =
      new SmtpReply(
          214,
          "2.0.0",
          java.util.List.of(
              "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS",
              "Send mail to a list address; see list-request for help with a list"));

  public static final SmtpReply COMMAND_UNRECOGNIZED =
      new SmtpReply(500, "5.5.2", "Syntax error, command unrecognized");
  public static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.2", "Line too long");
  public static final SmtpReply SYNTAX = new SmtpReply(501, "5.5.4", "Syntax error in parameters");
  public static final SmtpReply BAD_ADDRESS = new SmtpReply(501, "5.1.3", "Bad address syntax");
  public static final SmtpReply NOT_IMPLEMENTED =
      new SmtpReply(502, "5.5.1", "Command not implemented");
  public static final SmtpReply BAD_SEQUENCE =
      new SmtpReply(503, "5.5.1", "Bad sequence of commands");
  public static final SmtpReply HELO_FIRST = new SmtpReply(503, "5.5.1", "Send EHLO or HELO first");
  public static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "Need MAIL command");
  public static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "Need RCPT command");
  public static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Nested MAIL command");
  public static final SmtpReply TLS_ACTIVE = new SmtpReply(503, "5.5.1", "TLS already active");
  public static final SmtpReply UNKNOWN_PARAMETER =
      new SmtpReply(555, "5.5.4", "Unsupported MAIL/RCPT parameter");
  public static final SmtpReply TOO_BIG = new SmtpReply(552, "5.3.4", "Message too big");
  public static final SmtpReply LINE_TOO_LONG_IN_DATA =
      new SmtpReply(552, "5.3.4", "Message has a line longer than 1000 octets");
  public static final SmtpReply HEADER_TOO_BIG =
      new SmtpReply(
          552,
          "5.3.4",
          "Header section over "
              + MessageHeaders.MAX_BYTES
              + " octets or "
              + MessageHeaders.MAX_FIELDS
              + " fields");
  public static final SmtpReply BARE_LINE_ENDING =
      new SmtpReply(550, "5.6.0", "Bare CR or LF in message; lines must end with CRLF");
  public static final SmtpReply NO_SUCH_RECIPIENT =
      new SmtpReply(550, "5.1.1", "No such list here; relaying denied");
  public static final SmtpReply NEEDS_SMTPUTF8 =
      new SmtpReply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");
  public static final SmtpReply REJECTED = new SmtpReply(550, "5.7.1", "Rejected by list policy");
  public static final SmtpReply TOO_MANY_RECIPIENTS =
      new SmtpReply(452, "4.5.3", "Too many recipients");
  public static final SmtpReply TOO_MANY_TRANSACTIONS =
      new SmtpReply(452, "4.5.3", "Too many transactions on this connection");
  public static final SmtpReply TEMPORARY_FAILURE =
      new SmtpReply(451, "4.3.0", "Temporary failure, please try again later");

  /** memberAuth DMARC could not tell a member's post from a forgery: DNS failed for now. */
  public static final SmtpReply AUTHENTICATION_DNS_TROUBLE =
      new SmtpReply(
          451, "4.4.3", "DNS trouble checking the sender's DMARC, please try again later");

  public static SmtpReply queued(String ids) {
    return new SmtpReply(250, "2.0.0", "Ok: queued as " + ids);
  }

  public static SmtpReply tooManyConnections(String host) {
    return new SmtpReply(421, "4.7.0", host + " Too many connections, try again later");
  }

  public static SmtpReply tooManyMessages(String host) {
    return new SmtpReply(421, "4.7.0", host + " Too many messages from your network, try later");
  }

  public static SmtpReply tooManyErrors(String host) {
    return new SmtpReply(421, "4.7.0", host + " Too many errors, closing connection");
  }

  public static SmtpReply idleTimeout(String host) {
    return new SmtpReply(421, "4.4.2", host + " Idle timeout, closing connection");
  }

  public static SmtpReply shuttingDown(String host) {
    return new SmtpReply(421, "4.3.2", host + " Service shutting down, closing connection");
  }

  public static SmtpReply chunkReceived(long octets) {
    return new SmtpReply(250, "2.0.0", octets + " octets received");
  }

  public static SmtpReply listVerified(String name, String address) {
    return new SmtpReply(250, "2.1.5", name + " <" + address + ">");
  }

  /** The EHLO reply: domain line first, then one keyword a line (no enhanced code, RFC 2034). */
  public static SmtpReply ehlo(java.util.List<String> lines) {
    return new SmtpReply(250, null, lines);
  }

  public static SmtpReply helo(String host) {
    return new SmtpReply(250, null, host);
  }

  public static SmtpReply greeting(String host) {
    return new SmtpReply(220, null, host + " ESMTP fanmail");
  }
}
