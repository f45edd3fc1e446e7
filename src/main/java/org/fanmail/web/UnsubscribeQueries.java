package org.fanmail.web;

/**
 * The SQL of the public unsubscribe pages: small look-ups by primary key and the removal of one
 * member. Every statement names both the list and the member, so a token of one list can never
 * touch a member of another.
 */
public final class UnsubscribeQueries {
  private UnsubscribeQueries() {}

  /** The list a token names; by primary key. */
  public static final String LIST_BY_ID =
      "select address, local_part, domain, name from mailing_list where id = ?";

  /** The member a token names, only within the token's list. */
  public static final String MEMBER_BY_ID = "select email from member where id = ? and list_id = ?";

  /** The member behind an address typed into the list-level form (unique per list by key). */
  public static final String MEMBER_BY_EMAIL =
      "select id, email from member where list_id = ? and email_key = ?";
}
