package org.fanmail.list;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The people a list's notices go to: its owners (the {@code owners} array and ACTIVE members with
 * role OWNER) and, for held posts, its moderators as well. Reads inside the caller's transaction;
 * at most {@link #MAX} addresses, deduplicated case-insensitively; may be empty.
 */
public final class ListContacts {
  /** Recipients of one notice; matches what one system message may carry. */
  public static final int MAX = 1000;

  private ListContacts() {}

  /** The list's owners. */
  public static List<String> owners(Connection c, long listId) throws SQLException {
    return contacts(c, listId, MemberRole.OWNER);
  }

  /** The list's owners and moderators. */
  public static List<String> moderators(Connection c, long listId) throws SQLException {
    return contacts(c, listId, MemberRole.OWNER, MemberRole.MODERATOR);
  }

  private static List<String> contacts(Connection c, long listId, MemberRole... roles)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(ContactQueries.CONTACTS)) {
      ps.setLong(1, listId);
      ps.setLong(2, listId);
      ps.setArray(
          3, c.createArrayOf("text", java.util.Arrays.stream(roles).map(Enum::name).toArray()));
      ps.setInt(4, MAX);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
