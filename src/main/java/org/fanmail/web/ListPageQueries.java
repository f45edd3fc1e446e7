package org.fanmail.web;

/**
 * The SQL of the public list, archive and manage pages: small look-ups by unique key. Every
 * statement about a member names both the list and the member, so a token of one list can never
 * touch a member of another.
 */
public final class ListPageQueries {
  private ListPageQueries() {}

  /** A list by its (lowercased) address, with what its pages need. */
  public static final String LIST_BY_ADDRESS =
      "select id, address, local_part, domain, name, description, advertised, archive_access"
          + " from mailing_list where address = ?";

  /** The same by primary key (a manage token names the list by id). */
  public static final String LIST_BY_ID =
      "select id, address, local_part, domain, name, description, advertised, archive_access"
          + " from mailing_list where id = ?";

  /**
   * A member's own settings: the mode chosen, the mode in effect until the digest period ends
   * (null: the chosen one), receiving own posts, status. Parameters: member id, list id.
   */
  public static final String MEMBER_SETTINGS =
      "select email, delivery_mode, period_mode, receive_own_posts, status from member"
          + " where id = ? and list_id = ?";

  /** Whether a member gets a copy of its own posts. Parameters: choice, member id, list id. */
  public static final String SET_RECEIVE_OWN_POSTS =
      "update member set receive_own_posts = ?, updated_at = now() where id = ? and list_id = ?";
}
