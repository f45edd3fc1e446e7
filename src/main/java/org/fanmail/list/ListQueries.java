package org.fanmail.list;

import java.util.Collection;
import java.util.List;

/**
 * The SQL of {@link ListService} and {@link MemberService}: one list or member at a time, read and
 * written whole on create, column by column on change. Lists are found by their lowercased address
 * (the unique index of {@code mailing_list_address_uk}), members by list and {@code email_key}
 * (that of {@code member_list_email_uk}). {@code ListQueriesTest} prepares every statement against
 * the migrated schema.
 */
final class ListQueries {
  private ListQueries() {}

  /**
   * The columns of {@code mailing_list} that hold a list's settings, in the order {@link ListRows}
   * binds them; the address, its parts and the timestamps are not among them (never changed by a
   * change).
   */
  static final List<String> LIST_SETTINGS =
      List.of(
          "name",
          "description",
          "posting_policy",
          "non_member_action",
          "member_auth",
          "archive_access",
          "advertised",
          "subject_prefix",
          "reply_to",
          "max_message_size",
          "personalize",
          "owners",
          "subscription_policy",
          "unsubscription_policy",
          "dmarc_mitigation",
          "dmarc_mitigate_always",
          "digest_enabled",
          "digest_schedule",
          "digest_size_threshold_kb",
          "digest_max_posts");

  /** Every column {@link MailingList} holds, in the order {@code ListRows} reads them. */
  private static final String LIST_COLUMNS =
      "id, address, local_part, domain, "
          + String.join(", ", LIST_SETTINGS)
          + ", created_at,"
          + " updated_at";

  /**
   * Writes a new list with every setting. Parameters: address, local part, domain, the {@link
   * #LIST_SETTINGS}, created at, updated at. A duplicate address fails on {@code
   * mailing_list_address_uk}.
   */
  static final String INSERT_LIST =
      "insert into mailing_list (address, local_part, domain, "
          + String.join(", ", LIST_SETTINGS)
          + ", created_at, updated_at) values (?, ?, ?, "
          + placeholders(LIST_SETTINGS.size())
          + ", ?, ?) returning id";

  /** One list by its lowercased address. */
  static final String LIST_BY_ADDRESS =
      "select " + LIST_COLUMNS + " from mailing_list where address = ?";

  /**
   * One list by its lowercased address, locked until the change that read it commits, so that what
   * it compares against is what it overwrites. {@code for no key update}, the lock an update of its
   * settings takes anyway: it leaves member inserts and imports (their {@code for key share}) free.
   */
  static final String LOCK_LIST_BY_ADDRESS = LIST_BY_ADDRESS + " for no key update";

  /** A list's id by its lowercased address. */
  static final String LIST_ID_BY_ADDRESS = "select id from mailing_list where address = ?";

  /** How many lists there are (a page's total). */
  static final String LIST_COUNT = "select count(*) from mailing_list";

  /** One page of lists in id order. Parameters: limit, offset. */
  static final String LIST_PAGE =
      "select " + LIST_COLUMNS + " from mailing_list order by id limit ? offset ?";

  /**
   * The member counts (every status) of the lists in a bigint[]; lists without one are left out.
   */
  static final String MEMBER_COUNTS =
      "select list_id, count(*) from member where list_id = any(?) group by list_id";

  /** Deletes a list by its lowercased address; its members go with it (trigger of V17). */
  static final String DELETE_LIST = "delete from mailing_list where address = ?";

  /**
   * Sets the given settings columns and {@code updated_at} of one list. Parameters: a value for
   * each column, updated at, list id.
   */
  static String updateList(Collection<String> columns) {
    return update("mailing_list", columns);
  }

  /** The columns of {@code member} a change may set, in the order {@link ListRows} binds them. */
  static final List<String> MEMBER_SETTINGS =
      List.of("name", "delivery_mode", "role", "status", "receive_own_posts");

  /** Every column {@link Member} holds, in the order {@code ListRows} reads them. */
  private static final String MEMBER_COLUMNS =
      "id, list_id, email, email_key, domain, "
          + String.join(", ", MEMBER_SETTINGS)
          + ", bounce_score, last_bounce_at, created_at, updated_at";

  /**
   * Writes a new member; returns the id and the database's {@code email_key}. Parameters: list id,
   * email, domain, the {@link #MEMBER_SETTINGS}, bounce score, last bounce at, created at, updated
   * at. A duplicate fails on {@code member_list_email_uk}; a list deleted meanwhile on the trigger
   * of V17 (23503).
   */
  static final String INSERT_MEMBER =
      "insert into member (list_id, email, domain, "
          + String.join(", ", MEMBER_SETTINGS)
          + ", bounce_score, last_bounce_at, created_at, updated_at) values (?, ?, ?, "
          + placeholders(MEMBER_SETTINGS.size())
          + ", ?, ?, ?, ?) returning id, email_key";

  /** One member by list id and address (lowercased by the statement into the key). */
  static final String MEMBER_BY_EMAIL =
      "select " + MEMBER_COLUMNS + " from member where list_id = ? and email_key = lower(?)";

  /**
   * {@link #MEMBER_BY_EMAIL}, locked until the change that read it commits (as {@link
   * #LOCK_LIST_BY_ADDRESS}); a bounce being scored for the member waits, or is waited for.
   */
  static final String LOCK_MEMBER_BY_EMAIL = MEMBER_BY_EMAIL + " for no key update";

  /** How many members a list has. Parameter: list id. */
  static final String MEMBER_COUNT = "select count(*) from member where list_id = ?";

  /**
   * The members whose address or name contains a LIKE pattern ({@code !} escapes), the part after
   * {@code where} shared by count and page. Parameters: list id, pattern, pattern.
   */
  private static final String MATCHING_MEMBERS =
      " from member where list_id = ? and (email_key like lower(?) escape '!'"
          + " or lower(name) like lower(?) escape '!')";

  /** How many members of a list match a pattern. Parameters: list id, pattern, pattern. */
  static final String MATCHING_MEMBER_COUNT = "select count(*)" + MATCHING_MEMBERS;

  /** One page of a list's members in id order. Parameters: list id, limit, offset. */
  static final String MEMBER_PAGE =
      "select " + MEMBER_COLUMNS + " from member where list_id = ? order by id limit ? offset ?";

  /**
   * One page of the members of a list matching a pattern, in id order. Parameters: list id,
   * pattern, pattern, limit, offset.
   */
  static final String MATCHING_MEMBER_PAGE =
      "select " + MEMBER_COLUMNS + MATCHING_MEMBERS + " order by id limit ? offset ?";

  /** Deletes one member by list id and address (lowercased by the statement into the key). */
  static final String DELETE_MEMBER =
      "delete from member where list_id = ? and email_key = lower(?)";

  /**
   * Sets the given columns and {@code updated_at} of one member. Parameters: a value for each
   * column, updated at, member id.
   */
  static String updateMember(Collection<String> columns) {
    return update("member", columns);
  }

  /** Every statement above, the updates with every column they may set, for the test. */
  static final List<String> ALL =
      List.of(
          INSERT_LIST,
          LIST_BY_ADDRESS,
          LOCK_LIST_BY_ADDRESS,
          LIST_ID_BY_ADDRESS,
          LIST_COUNT,
          LIST_PAGE,
          MEMBER_COUNTS,
          DELETE_LIST,
          updateList(LIST_SETTINGS),
          INSERT_MEMBER,
          MEMBER_BY_EMAIL,
          LOCK_MEMBER_BY_EMAIL,
          MEMBER_COUNT,
          MATCHING_MEMBER_COUNT,
          MEMBER_PAGE,
          MATCHING_MEMBER_PAGE,
          DELETE_MEMBER,
          updateMember(MEMBER_SETTINGS));

  /**
   * {@code update table set c1 = ?, ..., updated_at = ? where id = ?}. The column names come from
   * the lists above, never from a request.
   */
  private static String update(String table, Collection<String> columns) {
    StringBuilder sql = new StringBuilder("update ").append(table).append(" set ");
    for (String column : columns) {
      sql.append(column).append(" = ?, ");
    }
    return sql.append("updated_at = ? where id = ?").toString();
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
