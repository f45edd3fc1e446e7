package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Read-only look-ups of lists and members for the SMTP front end and the posting rules: plain JDBC,
 * no persistence context, safe to call from worker threads. Blocking: never call it on an event
 * loop.
 *
 * <p>Throws {@link SQLException} when the database cannot answer; callers turn that into a 451.
 */
@ApplicationScoped
public class ListLookup {

  /** What the SMTP front end needs to know about a list. */
  public record ListInfo(
      long id,
      String address,
      String localPart,
      String domain,
      String name,
      String postingPolicy,
      String nonMemberAction,
      Long maxMessageSize,
      List<String> owners,
      String memberAuth) {
    /** A list that asks nothing beyond a member's address ({@code memberAuth} NONE). */
    public ListInfo(
        long id,
        String address,
        String localPart,
        String domain,
        String name,
        String postingPolicy,
        String nonMemberAction,
        Long maxMessageSize,
        List<String> owners) {
      this(
          id,
          address,
          localPart,
          domain,
          name,
          postingPolicy,
          nonMemberAction,
          maxMessageSize,
          owners,
          "NONE");
    }
  }

  /** What the posting rules need to know about a possible member. */
  public record MemberInfo(
      long id, String email, String role, String status, String deliveryMode) {}

  // Exact match on the lowercased address; the unique index answers it.
  private static final String LIST_BY_ADDRESS =
      "select id, address, local_part, domain, name, posting_policy, non_member_action,"
          + " max_message_size, owners, member_auth from mailing_list where address = ?";

  // The list and, in the same round trip, the membership of one address (the envelope sender of
  // the transaction naming the list): null member columns when it is not a member.
  private static final String LIST_AND_MEMBER_BY_ADDRESS =
      "select l.id, l.address, l.local_part, l.domain, l.name, l.posting_policy,"
          + " l.non_member_action, l.max_message_size, l.owners, l.member_auth,"
          + " m.id, m.email, m.role, m.status, m.delivery_mode"
          + " from mailing_list l left join member m on m.list_id = l.id and m.email_key = ?"
          + " where l.address = ?";

  // Members are unique per list by lower(email); email_key is that generated column.
  private static final String MEMBER_BY_EMAIL =
      "select id, email, role, status, delivery_mode from member where list_id = ? and email_key = ?";

  private final AgroalDataSource dataSource;

  public ListLookup(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The list whose address is {@code address} (compared case-insensitively). */
  public Optional<ListInfo> findList(String address) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(LIST_BY_ADDRESS)) {
      ps.setString(1, address.toLowerCase(java.util.Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(listInfo(rs)) : Optional.empty();
      }
    }
  }

  /**
   * A list found with the membership of one address in it (empty: not a member; null: nobody was
   * looked up, as in {@link org.fanmail.smtp.ListRecipient#sender}).
   */
  public record ListWithMember(ListInfo list, Optional<MemberInfo> member) {}

  /** {@link #findList} and {@link #findMember} of {@code email} in that list, in one round trip. */
  public Optional<ListWithMember> findListWithMember(String address, String email)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(LIST_AND_MEMBER_BY_ADDRESS)) {
      ps.setString(1, email.toLowerCase(java.util.Locale.ROOT));
      ps.setString(2, address.toLowerCase(java.util.Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        ListInfo list = listInfo(rs);
        long memberId = rs.getLong(11);
        Optional<MemberInfo> member =
            rs.wasNull()
                ? Optional.empty()
                : Optional.of(
                    new MemberInfo(
                        memberId,
                        rs.getString(12),
                        rs.getString(13),
                        rs.getString(14),
                        rs.getString(15)));
        return Optional.of(new ListWithMember(list, member));
      }
    }
  }

  /** Columns 1 to 10: the list. */
  private static ListInfo listInfo(ResultSet rs) throws SQLException {
    long max = rs.getLong(8);
    Long maxSize = rs.wasNull() ? null : max;
    Array owners = rs.getArray(9);
    List<String> ownerList =
        owners == null ? List.of() : new ArrayList<>(Arrays.asList((String[]) owners.getArray()));
    return new ListInfo(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        maxSize,
        List.copyOf(ownerList),
        rs.getString(10));
  }

  /** The member of list {@code listId} with address {@code email} (case-insensitive). */
  public Optional<MemberInfo> findMember(long listId, String email) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(MEMBER_BY_EMAIL)) {
      ps.setLong(1, listId);
      ps.setString(2, email.toLowerCase(java.util.Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new MemberInfo(
                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    }
  }
}
