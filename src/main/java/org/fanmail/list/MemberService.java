package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;

/**
 * Adds, reads, searches, changes and removes single members of a list; every public method is one
 * JDBC transaction, in which the list is read too (SQL in {@link ListQueries}). Bulk work goes
 * through {@link MemberImport} and {@link MemberExport} instead.
 *
 * <p>A member's address is stored in {@link EmailAddress} canonical form and found
 * case-insensitively through the database's {@code email_key = lower(email)}, the same key the
 * unique constraint uses, so look-ups and duplicate detection can never disagree. A duplicate
 * throws {@link DuplicateException}; an unknown list or member the matching {@link
 * UnknownEntityException}.
 */
@ApplicationScoped
public class MemberService {
  /** LIKE escape character; chosen because it is rare in addresses and names. */
  private static final char LIKE_ESCAPE = '!';

  private final AgroalDataSource dataSource;
  private final ListService lists;

  public MemberService(AgroalDataSource dataSource, ListService lists) {
    this.dataSource = dataSource;
    this.lists = lists;
  }

  /**
   * Adds {@code email} to the list with {@code settings} (defaults where not given); returns it
   * with its id and the {@code email_key} the database made.
   */
  public Member add(String listAddress, String email, MemberChanges settings) {
    return ListRows.transaction(
        dataSource,
        "adding a member to list " + listAddress,
        c -> {
          MailingList list = lists.require(c, listAddress);
          if (email == null || email.isBlank()) {
            throw new InvalidInputException("email is required");
          }
          EmailAddress address;
          try {
            address = EmailAddress.parse(email.strip());
          } catch (InvalidAddressException e) {
            throw new InvalidAddressException("email '" + email + "': " + e.getMessage());
          }
          String conflict = "list " + list.address + " already has member " + address;
          if (find(c, ListQueries.MEMBER_BY_EMAIL, list.id, address.toString()).isPresent()) {
            throw new DuplicateException(conflict);
          }
          Member m = new Member();
          m.listId = list.id;
          m.email = address.toString();
          m.domain = address.domain();
          apply(m, settings);
          // PostgreSQL keeps microseconds: the document after create matches every later read.
          m.createdAt = ListRows.now();
          m.updatedAt = m.createdAt;
          // Two adds racing past the look-up meet in member_list_email_uk, an add to a list being
          // deleted in the trigger of V17: a DatabaseConstraintException (409 or 400).
          try (PreparedStatement ps = c.prepareStatement(ListQueries.INSERT_MEMBER)) {
            ps.setLong(1, m.listId);
            ps.setString(2, m.email);
            ps.setString(3, m.domain);
            int next = ListRows.bind(c, ps, 4, ListQueries.MEMBER_SETTINGS, ListRows.settings(m));
            ps.setInt(next, m.bounceScore);
            ps.setObject(next + 1, m.lastBounceAt);
            ps.setObject(next + 2, m.createdAt);
            ps.setObject(next + 3, m.updatedAt);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              m.id = rs.getLong(1);
              m.emailKey = rs.getString(2);
            }
          }
          return m;
        });
  }

  /** The member {@code email} (case-insensitive) of the list. */
  public Member get(String listAddress, String email) {
    return ListRows.transaction(
        dataSource,
        "reading a member of list " + listAddress,
        c -> require(c, ListQueries.MEMBER_BY_EMAIL, lists.require(c, listAddress), email));
  }

  /**
   * One page of the list's members in id order; {@code query}, when not blank, keeps the members
   * whose address or name contains it (case-insensitive, LIKE wildcards taken literally).
   */
  public Page<Member> page(String listAddress, String query, int page, int size) {
    return ListRows.transaction(
        dataSource,
        "reading members of list " + listAddress,
        c -> {
          MailingList list = lists.require(c, listAddress);
          boolean filtered = query != null && !query.isBlank();
          String pattern = filtered ? "%" + escapeLike(query.strip()) + "%" : null;
          long total;
          try (PreparedStatement ps =
              c.prepareStatement(
                  filtered ? ListQueries.MATCHING_MEMBER_COUNT : ListQueries.MEMBER_COUNT)) {
            bindListAndPattern(ps, list.id, pattern);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          long offset = (long) page * size;
          if (offset >= total) {
            return new Page<>(List.of(), total, page, size);
          }
          List<Member> found = new ArrayList<>(size);
          try (PreparedStatement ps =
              c.prepareStatement(
                  filtered ? ListQueries.MATCHING_MEMBER_PAGE : ListQueries.MEMBER_PAGE)) {
            int next = bindListAndPattern(ps, list.id, pattern);
            ps.setInt(next, size);
            ps.setLong(next + 1, offset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.add(ListRows.member(rs));
              }
            }
          }
          return new Page<>(found, total, page, size);
        });
  }

  /**
   * Changes the settings given in {@code changes}; the address never changes. Writes only the
   * member's own settings that differ from the stored ones (never the bounce score another
   * transaction keeps), and nothing (not even {@code updated_at}) when none does. The row is locked
   * from the read on, so the comparison holds until the write.
   */
  public Member update(String listAddress, String email, MemberChanges changes) {
    return ListRows.transaction(
        dataSource,
        "changing a member of list " + listAddress,
        c -> {
          MailingList list = lists.require(c, listAddress);
          Member m = require(c, ListQueries.LOCK_MEMBER_BY_EMAIL, list, email);
          Map<String, Object> before = ListRows.settings(m);
          apply(m, changes);
          Map<String, Object> changed = ListRows.changed(before, ListRows.settings(m));
          if (changed.isEmpty()) {
            return m;
          }
          OffsetDateTime now = ListRows.now();
          if (!ListRows.update(c, ListQueries.updateMember(changed.keySet()), changed, now, m.id)) {
            // Not with the row locked; answered as any missing member should it ever be.
            throw new UnknownMemberException(list.address, String.valueOf(email));
          }
          m.updatedAt = now;
          return m;
        });
  }

  /** Removes the member. */
  public void delete(String listAddress, String email) {
    ListRows.transaction(
        dataSource,
        "removing a member of list " + listAddress,
        c -> {
          MailingList list = lists.require(c, listAddress);
          String canonical = canonicalOrNull(email);
          int deleted = 0;
          if (canonical != null) {
            try (PreparedStatement ps = c.prepareStatement(ListQueries.DELETE_MEMBER)) {
              ps.setLong(1, list.id);
              ps.setString(2, canonical);
              deleted = ps.executeUpdate();
            }
          }
          if (deleted == 0) {
            throw new UnknownMemberException(list.address, String.valueOf(email));
          }
          return null;
        });
  }

  private static Member require(Connection c, String query, MailingList list, String email)
      throws SQLException {
    return find(c, query, list.id, email)
        .orElseThrow(() -> new UnknownMemberException(list.address, String.valueOf(email)));
  }

  private static Optional<Member> find(Connection c, String query, long listId, String email)
      throws SQLException {
    String canonical = canonicalOrNull(email);
    if (canonical == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setLong(1, listId);
      ps.setString(2, canonical);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(ListRows.member(rs)) : Optional.empty();
      }
    }
  }

  /** {@code email} in canonical form, or null when it is no address (so no member has it). */
  private static String canonicalOrNull(String email) {
    if (email == null) {
      return null;
    }
    try {
      return EmailAddress.parse(email.strip()).toString();
    } catch (InvalidAddressException e) {
      return null;
    }
  }

  /** Binds the list id and, when given, the pattern twice; returns the next parameter's index. */
  private static int bindListAndPattern(PreparedStatement ps, long listId, String pattern)
      throws SQLException {
    ps.setLong(1, listId);
    if (pattern == null) {
      return 2;
    }
    ps.setString(2, pattern);
    ps.setString(3, pattern);
    return 4;
  }

  static String escapeLike(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
        out.append(LIKE_ESCAPE);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static void apply(Member m, MemberChanges c) {
    if (c == null) {
      return;
    }
    if (c.name() != null) {
      m.name = TextRules.singleLine("name", c.name().strip(), TextRules.MAX_NAME);
    }
    if (c.deliveryMode() != null) {
      m.deliveryMode = c.deliveryMode();
    }
    if (c.role() != null) {
      m.role = c.role();
    }
    if (c.status() != null) {
      m.status = c.status();
    }
    if (c.receiveOwnPosts() != null) {
      m.receiveOwnPosts = c.receiveOwnPosts();
    }
  }
}
