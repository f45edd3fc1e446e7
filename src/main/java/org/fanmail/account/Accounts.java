package org.fanmail.account;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.fanmail.list.DuplicateException;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.Page;
import org.fanmail.mail.EmailAddress;
import org.fanmail.stage.Transactions;

/**
 * Accounts: create, read, page, change, delete, set a password, check one at login. Every change is
 * one transaction; an account and the lists it holds are written together, and a list address that
 * does not exist is a 400 naming it (nothing written). Emails are stored in key form, so {@code
 * Ann@Example.org} and {@code ann@example.org} are one account. ADMIN accounts hold no lists.
 */
@ApplicationScoped
public class Accounts {
  public static final int MAX_NAME_CHARS = 200;
  public static final int MAX_LISTS = 1000;

  private final AgroalDataSource dataSource;

  public Accounts(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** What a create or a change asks for; null fields of a change are left as they are. */
  public record Change(String name, String role, List<String> lists, String password) {}

  /** Creates an account; 409 when the email has one already. */
  public Account create(String email, Change c) throws SQLException {
    String key = emailKey(email);
    Role role = role(c.role());
    if (role == null) {
      throw new InvalidInputException("role is required: ADMIN, LIST_OWNER or MODERATOR");
    }
    String name = name(c.name() == null ? "" : c.name());
    List<String> lists = lists(role, c.lists() == null ? List.of() : c.lists());
    String hash = c.password() == null ? null : Passwords.hash(c.password());
    try {
      return Transactions.fromTransaction(
          dataSource,
          conn -> {
            long id;
            try (PreparedStatement ps = conn.prepareStatement(AccountQueries.INSERT_ACCOUNT)) {
              ps.setString(1, key);
              ps.setString(2, name);
              ps.setString(3, role.name());
              ps.setString(4, hash);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
              }
            }
            grant(conn, id, lists);
            return read(conn, key).orElseThrow();
          });
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new DuplicateException("an account for " + key + " exists already");
      }
      throw e;
    }
  }

  /** The account of {@code email}, or 404. */
  public Account get(String email) throws SQLException {
    String key = emailKey(email);
    try (Connection conn = dataSource.getConnection()) {
      return read(conn, key).orElseThrow(() -> unknown(key));
    }
  }

  /** A page of accounts in email order. */
  public Page<Account> page(int page, int size) throws SQLException {
    try (Connection conn = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = conn.prepareStatement(AccountQueries.ACCOUNT_COUNT);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
      List<Account> items = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(AccountQueries.ACCOUNT_PAGE)) {
        ps.setInt(1, size);
        ps.setLong(2, (long) page * size);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(account(rs));
          }
        }
      }
      return new Page<>(items, total, page, size);
    }
  }

  /**
   * Changes name, role and lists (each only when given); passwords go through {@link #setPassword}.
   */
  public Account update(String email, Change c) throws SQLException {
    String key = emailKey(email);
    if (c.password() != null) {
      throw new InvalidInputException("the password is set with PUT /api/users/{email}/password");
    }
    return Transactions.fromTransaction(
        dataSource,
        conn -> {
          Account old = read(conn, key).orElseThrow(() -> unknown(key));
          Role role = c.role() == null ? old.role() : role(c.role());
          String name = c.name() == null ? old.name() : name(c.name());
          List<String> lists =
              c.lists() == null
                  ? (role == Role.ADMIN ? List.of() : old.lists())
                  : lists(role, c.lists());
          try (PreparedStatement ps = conn.prepareStatement(AccountQueries.UPDATE_ACCOUNT)) {
            ps.setString(1, name);
            ps.setString(2, role.name());
            ps.setLong(3, old.id());
            ps.executeUpdate();
          }
          try (PreparedStatement ps = conn.prepareStatement(AccountQueries.REVOKE_LISTS)) {
            ps.setLong(1, old.id());
            ps.executeUpdate();
          }
          grant(conn, old.id(), lists);
          return read(conn, key).orElseThrow();
        });
  }

  /** Deletes an account with its tokens and sessions; 404 when there is none. */
  public void delete(String email) throws SQLException {
    String key = emailKey(email);
    try (Connection conn = dataSource.getConnection();
        PreparedStatement ps = conn.prepareStatement(AccountQueries.DELETE_ACCOUNT)) {
      ps.setString(1, key);
      if (ps.executeUpdate() == 0) {
        throw unknown(key);
      }
    }
  }

  /**
   * Sets the password of an account and ends its web sessions (whoever changed it logs in anew; API
   * tokens stay); 404 when there is no such account.
   */
  public void setPassword(String email, String password) throws SQLException {
    String key = emailKey(email);
    String hash = Passwords.hash(password);
    Transactions.inTransaction(
        dataSource,
        conn -> {
          long id;
          try (PreparedStatement ps = conn.prepareStatement(AccountQueries.SET_PASSWORD)) {
            ps.setString(1, hash);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw unknown(key);
              }
              id = rs.getLong(1);
            }
          }
          try (PreparedStatement ps = conn.prepareStatement(AccountQueries.END_SESSIONS)) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
        });
  }

  /**
   * The id of the account whose email and password match, or empty; the same bcrypt work is spent
   * whether or not the account exists or has a password.
   */
  public Optional<Long> checkPassword(String email, String password) throws SQLException {
    String key;
    try {
      key = emailKey(email);
    } catch (RuntimeException e) {
      Passwords.matches(password, null);
      return Optional.empty();
    }
    Long id = null;
    String hash = null;
    try (Connection conn = dataSource.getConnection();
        PreparedStatement ps = conn.prepareStatement(AccountQueries.LOGIN_BY_EMAIL)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          id = rs.getLong(1);
          hash = rs.getString(2);
        }
      }
    }
    return Passwords.matches(password, hash) && id != null ? Optional.of(id) : Optional.empty();
  }

  /** The email of an account in key form; a 400 when it is not an address. */
  public static String emailKey(String email) {
    if (email == null || email.isBlank()) {
      throw new InvalidInputException("email is required");
    }
    return EmailAddress.parse(email.strip()).key();
  }

  static UnknownAccountException unknown(String key) {
    return new UnknownAccountException("no account " + key);
  }

  private static Role role(String role) {
    if (role == null) {
      return null;
    }
    try {
      return Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("role must be ADMIN, LIST_OWNER or MODERATOR");
    }
  }

  private static String name(String name) {
    if (name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw new InvalidInputException("name must have at most " + MAX_NAME_CHARS + " characters");
    }
    if (name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new InvalidInputException("name must not contain control characters");
    }
    return name.strip();
  }

  private static List<String> lists(Role role, List<String> given) {
    if (given.size() > MAX_LISTS) {
      throw new InvalidInputException("an account may hold at most " + MAX_LISTS + " lists");
    }
    if (role == Role.ADMIN && !given.isEmpty()) {
      throw new InvalidInputException("an ADMIN account holds every list: lists must be empty");
    }
    Set<String> keys = new LinkedHashSet<>();
    for (String address : given) {
      if (address == null) {
        throw new InvalidInputException("lists must hold list addresses, not null");
      }
      keys.add(EmailAddress.parse(address.strip()).key());
    }
    return List.copyOf(keys);
  }

  private static void grant(Connection conn, long id, List<String> lists) throws SQLException {
    if (lists.isEmpty()) {
      return;
    }
    Array addresses = conn.createArrayOf("text", lists.toArray());
    Set<String> known = new LinkedHashSet<>();
    try (PreparedStatement ps = conn.prepareStatement(AccountQueries.KNOWN_LISTS)) {
      ps.setArray(1, addresses);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          known.add(rs.getString(1));
        }
      }
    }
    List<String> missing = lists.stream().filter(a -> !known.contains(a)).limit(5).toList();
    if (!missing.isEmpty()) {
      throw new InvalidInputException("no such list: " + String.join(", ", missing));
    }
    try (PreparedStatement ps = conn.prepareStatement(AccountQueries.GRANT_LISTS)) {
      ps.setLong(1, id);
      ps.setArray(2, addresses);
      ps.executeUpdate();
    }
  }

  private static Optional<Account> read(Connection conn, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(AccountQueries.ACCOUNT_BY_EMAIL)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(account(rs)) : Optional.empty();
      }
    }
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        Role.valueOf(rs.getString(4)),
        Arrays.asList((String[]) rs.getArray(7).getArray()),
        rs.getBoolean(5),
        rs.getTimestamp(6).toInstant());
  }
}
