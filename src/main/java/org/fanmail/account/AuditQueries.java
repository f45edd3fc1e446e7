package org.fanmail.account;

/**
 * The SQL of the audit log (table of V35). Pages are keyset pages newest first ({@code id desc}),
 * each filter optional (a null parameter matches everything), so one statement serves every
 * combination and its plan stays on the indexes of V35.
 */
public final class AuditQueries {
  private AuditQueries() {}

  /** Records one change. */
  public static final String INSERT =
      "insert into audit (actor, action, target, list_address, details)"
          + " values (?, ?, ?, ?, ?::jsonb)";

  /**
   * A page of entries newest first, older than {@code before} (an id, for the next page). Filters:
   * actor (exact), target (exact, or anything under it: {@code target/...}), entries after a time,
   * and the lists a LIST_OWNER may see (null: every entry). Parameters: actor ×2, target ×3 (the
   * second and third the escaped LIKE prefix), after ×2, lists ×2, before ×2, limit.
   */
  public static final String PAGE =
      "select id, at, actor, action, target, list_address, details::text from audit"
          + " where (?::text is null or actor = ?)"
          + " and (?::text is null or target = ? or target like ? escape '\\')"
          + " and (?::timestamptz is null or at > ?)"
          + " and (?::text[] is null or list_address = any(?))"
          + " and (?::bigint is null or id < ?)"
          + " order by id desc limit ?";
}
