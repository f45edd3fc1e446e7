package org.fanmail.list;

/**
 * The named SQL behind {@link ListContacts}: who hears about a list's affairs. The {@code owners}
 * array of the list and its ACTIVE members with a given role, as one deduplicated set.
 */
public final class ContactQueries {
  private ContactQueries() {}

  /**
   * The list's {@code owners} array plus its ACTIVE members whose role is in the given array
   * (parameters: list id, list id again, roles as text[], limit). A member whose delivery mode is
   * NOMAIL still hears: notices are not list traffic. Deduplicated case-insensitively.
   */
  public static final String CONTACTS =
      "select min(a) from ("
          + " select unnest(l.owners) as a from mailing_list l where l.id = ?"
          + " union all"
          + " select m.email from member m where m.list_id = ? and m.role = any(?::text[])"
          + " and m.status = 'ACTIVE') x"
          + " group by lower(a) order by lower(a) limit ?";
}
