package org.fanmail.smtp;

/**
 * Where an SMTP session is. Transaction states (MAIL, RCPT, DATA, BDAT) fall back to GREETED
 * through {@link SmtpSession#reset()}; STARTTLS goes through TLS_HANDSHAKE back to CONNECTED (the
 * client must say EHLO again, RFC 3207 section 4.2).
 */
public enum SessionState {
  /** Banner sent, no EHLO/HELO yet. */
  CONNECTED,
  /** EHLO/HELO done, no transaction. */
  GREETED,
  /** MAIL accepted, no recipient yet. */
  MAIL,
  /** At least one recipient accepted. */
  RCPT,
  /** Reading message data after DATA. */
  DATA,
  /** Reading a BDAT chunk. */
  BDAT,
  /** STARTTLS answered, handshake running; plaintext input is discarded. */
  TLS_HANDSHAKE,
  /** QUIT, 421 or socket closed: nothing more is read. */
  CLOSING
}
