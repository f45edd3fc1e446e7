package org.fanmail.list;

/**
 * The hot SQL of member import and export, named and kept in one place (listmonk's habit). Each
 * statement says why it has its shape. {@code MemberQueriesTest} prepares every one against the
 * migrated schema, so a mismatch fails the build rather than an import.
 */
public final class MemberQueries {
  private MemberQueries() {}

  /**
   * The list's id, locked against deletion for the rest of the import's transaction. {@code for key
   * share} is the weakest lock that blocks a concurrent {@code delete} (which would otherwise fail
   * the member inserts on the foreign key) while leaving updates of list settings free. Parameter:
   * the address, lowercased by the statement so it matches the stored form.
   */
  public static final String LOCK_LIST_BY_ADDRESS =
      "select id from mailing_list where address = lower(?) for key share";

  /**
   * Upserts one batch of members with a single statement. The three arrays (email, domain, name)
   * travel as one parameter each, so a batch of a thousand rows is one round trip and one plan,
   * whatever its size. {@code on conflict} on the unique constraint makes re-imports idempotent;
   * the {@code where} clause skips rows whose name would not change (and an empty name never erases
   * a stored one), so such rows are not returned and count as unchanged. {@code xmax = 0} is true
   * only for a freshly inserted row version: it tells added from updated. Callers must not send the
   * same address twice in one batch (Postgres refuses to update a row twice). A new member gets the
   * row's delivery mode (REGULAR when it names none). Returns each written row's key too, so that a
   * member whose name and mode both changed counts once. Parameters: list id, text[] emails, text[]
   * domains, text[] names, text[] modes.
   */
  public static final String UPSERT_MEMBERS =
      "insert into member (list_id, email, domain, name, delivery_mode)"
          + " select ?, t.email, t.domain, t.name, coalesce(t.mode, 'REGULAR')"
          + " from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as t(email, domain, name, mode)"
          + " on conflict on constraint member_list_email_uk do update"
          + " set name = excluded.name, updated_at = now()"
          + " where excluded.name <> '' and member.name is distinct from excluded.name"
          + " returning (xmax = 0) as inserted, email_key";

  /**
   * The delivery modes a batch names for members who exist already, before the batch's upsert
   * (which sets the mode of the members it adds): only rows that name a mode different from the
   * stored one are written, and their keys returned, so a re-import changes nothing. Parameters:
   * list id, text[] emails, text[] modes (null: keep).
   */
  public static final String SET_IMPORTED_MODES =
      "update member m set delivery_mode = u.mode, updated_at = now()"
          + " from unnest(?::text[], ?::text[]) as u(email, mode)"
          + " where m.list_id = ? and m.email_key = lower(u.email) and u.mode is not null"
          + " and m.delivery_mode <> u.mode returning m.email_key";

  /**
   * One page of a list's members for export, keyset-paged on the primary key so each page is an
   * index range scan on {@code member_list_id_ix} however deep the export is, and the heap holds
   * one page at a time. Parameters: list id, last id seen (0 to start), page size.
   */
  public static final String EXPORT_PAGE =
      "select id, email, name, delivery_mode, role, status from member"
          + " where list_id = ? and id > ? order by id limit ?";

  /** Every statement above, for the test that prepares them all. */
  public static final String[] ALL = {
    LOCK_LIST_BY_ADDRESS, UPSERT_MEMBERS, SET_IMPORTED_MODES, EXPORT_PAGE
  };
}
