package org.fanmail.account;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.fanmail.config.FanmailConfig;

/**
 * Web admin logins. A login checks the password (bcrypt) unless the account or the client network
 * has had too many failed logins within {@code fanmail.accounts.login-window} (counted in the
 * database, so across instances); a success opens a server-side session: the cookie carries 256
 * random bits, the database only their SHA-256, with an expiry {@code session-lifetime} away. The
 * CSRF token of a session is derived from the cookie's value ({@link #csrfToken}), so it needs no
 * storage and is unknown to whoever holds only the database.
 */
@ApplicationScoped
public class WebSessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AgroalDataSource dataSource;
  private final Accounts accounts;
  private final FanmailConfig config;

  public WebSessions(AgroalDataSource dataSource, Accounts accounts, FanmailConfig config) {
    this.dataSource = dataSource;
    this.accounts = accounts;
    this.config = config;
  }

  /** What a login attempt came to. */
  public sealed interface Login {}

  /** A session opened: the cookie's value and its expiry. */
  public record Opened(String sessionId, Instant expiresAt) implements Login {}

  /** Wrong email or password (which one is not told). */
  public record Refused() implements Login {}

  /** Too many failed logins for the account or the network: not even checked. */
  public record Limited() implements Login {}

  /** Checks {@code email} and {@code password} from a client of {@code network}. */
  public Login login(String email, String password, String network) throws SQLException {
    String accountKey = "account:" + safeKey(email);
    String networkKey = "network:" + network;
    long window = config.accounts().loginWindow().toSeconds();
    try (Connection c = dataSource.getConnection()) {
      if (failures(c, accountKey, window) >= config.accounts().loginFailuresPerAccount()
          || failures(c, networkKey, window) >= config.accounts().loginFailuresPerNetwork()) {
        return new Limited();
      }
    }
    Optional<Long> account = accounts.checkPassword(email, password);
    try (Connection c = dataSource.getConnection()) {
      if (account.isEmpty()) {
        for (String key : new String[] {accountKey, networkKey}) {
          try (PreparedStatement ps = c.prepareStatement(SessionQueries.INSERT_FAILURE)) {
            ps.setString(1, key);
            ps.executeUpdate();
          }
        }
        try (PreparedStatement ps = c.prepareStatement(SessionQueries.PURGE_FAILURES)) {
          ps.setLong(1, window);
          ps.executeUpdate();
        }
        return new Refused();
      }
      Opened opened = open(c, account.get());
      try (PreparedStatement ps = c.prepareStatement(SessionQueries.CLEAR_FAILURES)) {
        ps.setString(1, accountKey);
        ps.executeUpdate();
      }
      return opened;
    }
  }

  /**
   * Opens a session for an account whose owner proved who they are elsewhere (an OpenID provider's
   * verified ID token): no password is checked and nothing is counted against the login limits.
   */
  public Opened openWithoutPassword(long accountId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return open(c, accountId);
    }
  }

  private Opened open(Connection c, long accountId) throws SQLException {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Instant expires = Instant.now().plus(config.accounts().sessionLifetime());
    try (PreparedStatement ps = c.prepareStatement(SessionQueries.INSERT_SESSION)) {
      ps.setBytes(1, ApiTokens.digest(id));
      ps.setLong(2, accountId);
      ps.setTimestamp(3, Timestamp.from(expires));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(SessionQueries.PURGE_SESSIONS)) {
      ps.executeUpdate();
    }
    return new Opened(id, expires);
  }

  /** The principal of a live session, or empty (unknown, expired, account deleted). */
  public Optional<Principal> principal(String sessionId) throws SQLException {
    if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 100) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SessionQueries.PRINCIPAL_BY_SESSION)) {
      ps.setBytes(1, ApiTokens.digest(sessionId));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Principal(
                rs.getString(1),
                Role.valueOf(rs.getString(2)),
                Set.copyOf(Arrays.asList((String[]) rs.getArray(3).getArray()))));
      }
    }
  }

  /** Ends a session; nothing happens for an unknown one. */
  public void logout(String sessionId) throws SQLException {
    if (sessionId == null || sessionId.length() > 100) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SessionQueries.DELETE_SESSION)) {
      ps.setBytes(1, ApiTokens.digest(sessionId));
      ps.executeUpdate();
    }
  }

  /** The CSRF token of a session: a one-way function of its cookie's value. */
  public static String csrfToken(String sessionId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(ApiTokens.digest("fanmail-csrf:" + sessionId));
  }

  private long failures(Connection c, String key, long windowSeconds) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SessionQueries.COUNT_FAILURES)) {
      ps.setString(1, key);
      ps.setLong(2, windowSeconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String safeKey(String email) {
    try {
      return Accounts.emailKey(email);
    } catch (RuntimeException e) {
      String s = email == null ? "" : email.strip().toLowerCase(java.util.Locale.ROOT);
      return s.length() > 300 ? s.substring(0, 300) : s;
    }
  }
}
