package org.fanmail.account;

/**
 * The SQL of web admin sessions and login attempts (tables of V36). A session is found by the
 * SHA-256 of the cookie's value; failed logins are rows counted per key within the window, so the
 * limit holds across every instance sharing the database.
 */
public final class SessionQueries {
  private SessionQueries() {}

  /** Opens a session. */
  public static final String INSERT_SESSION =
      "insert into web_session (id_hash, account_id, expires_at) values (?, ?, ?)";

  /** The account behind a live session, with the principal's parts. */
  public static final String PRINCIPAL_BY_SESSION =
      "select a.email, a.role, array(select l.address from account_list al join mailing_list l"
          + " on l.id = al.list_id where al.account_id = a.id order by l.address)"
          + " from web_session s join account a on a.id = s.account_id"
          + " where s.id_hash = ? and s.expires_at > now()";

  /** Ends a session (logout). */
  public static final String DELETE_SESSION = "delete from web_session where id_hash = ?";

  /** Ends every expired session; bounded, run at each login. */
  public static final String PURGE_SESSIONS =
      "delete from web_session where id_hash in (select id_hash from web_session"
          + " where expires_at < now() limit 1000)";

  /** Failed logins of one key within the window (seconds). */
  public static final String COUNT_FAILURES =
      "select count(*) from login_failure where key = ? and at > now() - make_interval(secs => ?)";

  /** Records one failed login under a key. */
  public static final String INSERT_FAILURE = "insert into login_failure (key) values (?)";

  /** Forgets an account's failures after a successful login. */
  public static final String CLEAR_FAILURES = "delete from login_failure where key = ?";

  /** Drops failures older than the window (seconds); bounded, run at each failure. */
  public static final String PURGE_FAILURES =
      "delete from login_failure where id in (select id from login_failure"
          + " where at < now() - make_interval(secs => ?) limit 1000)";
}
