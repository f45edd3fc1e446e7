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
   * same address twice in one batch (Postgres refuses to update a row twice). Parameters: list id,
   * text[] emails, text[] domains, text[] names.
   */
  public static final String UPSERT_MEMBERS =
      "insert into member (list_id, email, domain, name)"
          + " select ?, t.email, t.domain, t.name"
          + " from unnest(?::text[], ?::text[], ?::text[]) as t(email, domain, name)"
          + " on conflict on constraint member_list_email_uk do update"
          + " set name = excluded.name, updated_at = now()"
          + " where excluded.name <> '' and member.name is distinct from excluded.name"
          + " returning (xmax = 0) as inserted";

  /**
   * One page of a list's members for export, keyset-paged on the primary key so each page is an
   * index range scan on {@code member_list_id_ix} however deep the export is, and the heap holds
   * one page at a time. Parameters: list id, last id seen (0 to start), page size.
   */
  public static final String EXPORT_PAGE =
      "select id, email, name, delivery_mode, role, status from member"
          + " where list_id = ? and id > ? order by id limit ?";

  /** Every statement above, for the test that prepares them all. */
  public static final String[] ALL = {LOCK_LIST_BY_ADDRESS, UPSERT_MEMBERS, EXPORT_PAGE};
}
