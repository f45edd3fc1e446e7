package org.fanmail.smtp;

/**
 * The per-session counters behind the client's limits: error replies toward {@code max-errors},
 * VRFYs (only the first few are looked up), and transactions toward {@code
 * max-transactions-per-session} and the client network's message rate ({@link MessageRate}, shared
 * by the server). The session asks after each reply whether errors are exhausted and closes with
 * {@code 421 4.7.0}; the commands decide what a count past a limit means for them.
 *
 * <p>Runs on the session's event-loop context only.
 */
public final class SessionLimits {
  private final SmtpServer server;
  private final String clientIp;
  private int errors;
  private int vrfys;
  private int transactions;

  SessionLimits(SmtpServer server, String clientIp) {
    this.server = server;
    this.clientIp = clientIp;
  }

  /** A reply was written: 5xx replies count toward max-errors. */
  void replied(int code) {
    if (code >= 500) {
      errors++;
    }
  }

  /** Counts an error toward max-errors without a 5xx reply (a client probing politely). */
  public void countError() {
    errors++;
  }

  /** True once the client has had max-errors error replies: the session closes. */
  boolean errorsExhausted() {
    return errors >= server.config().maxErrors();
  }

  /** Counts a VRFY on this session and returns how many there were, this one included. */
  public int countVrfy() {
    return ++vrfys;
  }

  /** Counts a transaction toward the client network's message rate; false past it. */
  public boolean admitMessage() {
    return server.admitMessage(clientIp);
  }

  /** Transactions begun on this session. */
  public int transactionsStarted() {
    return transactions;
  }

  /** A transaction begins: its number on this session, from 1. */
  int nextTransaction() {
    return ++transactions;
  }
}
