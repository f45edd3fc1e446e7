package org.fanmail.account;

/**
 * The SQL of accounts, their lists and API tokens (tables of V34). Emails are bound in their key
 * form (lower case); the lists an account holds are read as an array of addresses beside it, so one
 * statement builds a {@link Principal}.
 */
public final class AccountQueries {
  private AccountQueries() {}

  /** The addresses of the lists an account holds, as one array column. */
  private static final String LISTS_OF_ACCOUNT =
      "array(select l.address from account_list al join mailing_list l on l.id = al.list_id"
          + " where al.account_id = a.id order by l.address)";

  private static final String ACCOUNT_COLUMNS =
      "a.id, a.email, a.name, a.role, a.password_hash is not null, a.created_at, "
          + LISTS_OF_ACCOUNT;

  /** Writes a new account; a duplicate email fails on {@code account_email_uk}. */
  public static final String INSERT_ACCOUNT =
      "insert into account (email, name, role, password_hash) values (?, ?, ?, ?) returning id";

  /** Grants the lists named by address; unknown addresses are counted by the caller. */
  public static final String GRANT_LISTS =
      "insert into account_list (account_id, list_id)"
          + " select ?, l.id from mailing_list l where l.address = any(?) on conflict do nothing";

  /** Drops every grant of an account, before the new set of a PATCH is written. */
  public static final String REVOKE_LISTS = "delete from account_list where account_id = ?";

  /** The list addresses among those given that exist (to name the unknown ones in a 400). */
  public static final String KNOWN_LISTS =
      "select address from mailing_list where address = any(?)";

  /** One account by email. */
  public static final String ACCOUNT_BY_EMAIL =
      "select " + ACCOUNT_COLUMNS + " from account a where a.email = ?";

  /** A page of accounts in email order. */
  public static final String ACCOUNT_PAGE =
      "select " + ACCOUNT_COLUMNS + " from account a order by a.email limit ? offset ?";

  /** How many accounts there are (the page's total). */
  public static final String ACCOUNT_COUNT = "select count(*) from account";

  /** Changes name and role; the row is locked by the update for the grants that follow. */
  public static final String UPDATE_ACCOUNT =
      "update account set name = ?, role = ?, updated_at = now() where id = ?";

  /** Sets the password hash; returns the account's id for {@link #END_SESSIONS}. */
  public static final String SET_PASSWORD =
      "update account set password_hash = ?, updated_at = now() where email = ? returning id";

  /** Ends every web session of an account (its password changed): it logs in anew. */
  public static final String END_SESSIONS = "delete from web_session where account_id = ?";

  /** Deletes an account; its tokens, grants and sessions go with it (cascades). */
  public static final String DELETE_ACCOUNT = "delete from account where email = ?";

  /** The password hash of an account for a login (null hash: no password login). */
  public static final String LOGIN_BY_EMAIL =
      "select a.id, a.password_hash from account a where a.email = ?";

  /** How many tokens an account holds, under the account's row lock (the limit is exact). */
  public static final String LOCK_ACCOUNT = "select id from account where email = ? for update";

  public static final String COUNT_TOKENS = "select count(*) from api_token where account_id = ?";

  /** Writes a token by its digest. */
  public static final String INSERT_TOKEN =
      "insert into api_token (account_id, name, token_hash, expires_at) values (?, ?, ?, ?)"
          + " returning id, created_at";

  /** An account's tokens, newest first: names, expiry and last use, never digests. */
  public static final String TOKENS_OF_ACCOUNT =
      "select t.name, t.created_at, t.expires_at, t.last_used_at from api_token t"
          + " join account a on a.id = t.account_id where a.email = ? order by t.created_at desc,"
          + " t.id desc";

  /** Revokes a token by name: the row goes, so the token is unknown from now on. */
  public static final String DELETE_TOKEN =
      "delete from api_token t using account a where a.id = t.account_id and a.email = ?"
          + " and t.name = ?";

  /**
   * The principal behind a token digest, with the token's expiry (checked by the caller, so an
   * expired token is told apart in the log) and its last use.
   */
  public static final String PRINCIPAL_BY_TOKEN =
      "select t.id, t.expires_at, t.last_used_at, a.email, a.role, "
          + LISTS_OF_ACCOUNT
          + " from api_token t join account a on a.id = t.account_id where t.token_hash = ?";

  /**
   * Records a token's use at most once a minute: a busy client does not write a row per request.
   */
  public static final String TOUCH_TOKEN =
      "update api_token set last_used_at = now() where id = ?"
          + " and (last_used_at is null or last_used_at < now() - interval '1 minute')";

  /** The principal of an account by id (a web session's account). */
  public static final String PRINCIPAL_BY_ACCOUNT =
      "select a.email, a.role, " + LISTS_OF_ACCOUNT + " from account a where a.id = ?";

  /** A post's list and state, to decide an operation keyed by post id. */
  public static final String POST_LIST =
      "select list_address, state = 'HELD' from post where id = ?";
}
