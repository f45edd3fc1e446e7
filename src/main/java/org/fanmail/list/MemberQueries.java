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
   * Upserts one batch of members with a single statement. The arrays (email, domain, name, delivery
   * mode, role, status, receive-own-posts) travel as one parameter each, so a batch of a thousand
   * rows is one round trip and one plan, whatever its size. {@code on conflict} on the unique
   * constraint makes re-imports idempotent; the {@code where} clause skips rows whose name would
   * not change (and an empty name never erases a stored one), so such rows are not returned and
   * count as unchanged. {@code xmax = 0} is true only for a freshly inserted row version: it tells
   * added from updated. Callers must not send the same address twice in one batch (Postgres refuses
   * to update a row twice). A new member gets the attributes the row names and the defaults of the
   * others (REGULAR, MEMBER, ACTIVE, receiving their own posts); an existing member's attributes
   * are set before, by {@link #SET_IMPORTED_ATTRIBUTES}. Returns each written row's key too, so
   * that a member whose name and attributes both changed counts once. Parameters: list id, text[]
   * emails, text[] domains, text[] names, text[] modes, text[] roles, text[] statuses, boolean[]
   * own posts.
   */
  public static final String UPSERT_MEMBERS =
      "insert into member (list_id, email, domain, name, delivery_mode, role, status,"
          + " receive_own_posts)"
          + " select ?, t.email, t.domain, t.name, coalesce(t.mode, 'REGULAR'),"
          + " coalesce(t.role, 'MEMBER'), coalesce(t.status, 'ACTIVE'), coalesce(t.own, true)"
          + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::boolean[]) as t(email, domain, name, mode, role, status, own)"
          + " on conflict on constraint member_list_email_uk do update"
          + " set name = excluded.name, updated_at = now()"
          + " where excluded.name <> '' and member.name is distinct from excluded.name"
          + " returning (xmax = 0) as inserted, email_key";

  /**
   * The delivery modes, roles, statuses and receive-own-posts flags a batch names for members who
   * exist already, before the batch's upsert (which sets those of the members it adds): a null
   * keeps the stored value, and only rows that name a value different from the stored one are
   * written, their keys returned, so a re-import changes nothing. Also raises the roles of repeated
   * addresses (Mailman's one entry per role). Parameters: text[] emails, text[] modes, text[]
   * roles, text[] statuses, boolean[] own posts (each null: keep), list id.
   */
  public static final String SET_IMPORTED_ATTRIBUTES =
      "update member m set delivery_mode = coalesce(u.mode, m.delivery_mode),"
          + " role = coalesce(u.role, m.role), status = coalesce(u.status, m.status),"
          + " receive_own_posts = coalesce(u.own, m.receive_own_posts), updated_at = now()"
          + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])"
          + " as u(email, mode, role, status, own)"
          + " where m.list_id = ? and m.email_key = lower(u.email)"
          + " and (m.delivery_mode <> coalesce(u.mode, m.delivery_mode)"
          + " or m.role <> coalesce(u.role, m.role) or m.status <> coalesce(u.status, m.status)"
          + " or m.receive_own_posts <> coalesce(u.own, m.receive_own_posts))"
          + " returning m.email_key";

  /**
   * One page of a list's members for export, keyset-paged on the primary key so each page is an
   * index range scan on {@code member_list_id_ix} however deep the export is, and the heap holds
   * one page at a time. Parameters: list id, last id seen (0 to start), page size.
   */
  public static final String EXPORT_PAGE =
      "select id, email, name, delivery_mode, role, status, receive_own_posts from member"
          + " where list_id = ? and id > ? order by id limit ?";

  /** Every statement above, for the test that prepares them all. */
  public static final String[] ALL = {
    LOCK_LIST_BY_ADDRESS, UPSERT_MEMBERS, SET_IMPORTED_ATTRIBUTES, EXPORT_PAGE
  };
}
