package org.fanmail.account;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.DuplicateException;
import org.fanmail.list.InvalidInputException;
import org.fanmail.stage.Transactions;

/**
 * API tokens of accounts: {@value #PREFIX} followed by 256 random bits in base64url, shown once at
 * creation; only the SHA-256 of the token is stored, so a copy of the database opens nothing. A
 * token acts as its account (its role and lists as they are at each request, not at creation).
 * Limits: a name of 1..{@value #MAX_NAME_CHARS} characters unique per account, an expiry in the
 * future and at most {@code fanmail.accounts.max-token-lifetime} away, at most {@code
 * max-tokens-per-account} tokens (counted under the account's row lock). Revocation deletes the
 * row.
 */
@ApplicationScoped
public class ApiTokens {
  /** Every account token starts with it, so secret scanners and the filter can tell one. */
  public static final String PREFIX = "fmt_";

  public static final int MAX_NAME_CHARS = 100;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AgroalDataSource dataSource;
  private final FanmailConfig config;

  public ApiTokens(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  /** A token as listed: never the token or its digest. */
  public record TokenInfo(String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {}

  /** A token just made: the token itself, to be shown once. */
  public record NewToken(String token, TokenInfo info) {}

  /**
   * Makes a token for the account of {@code email}; {@code expiresAt} null: the longest allowed.
   */
  public NewToken create(String email, String name, Instant expiresAt) throws SQLException {
    String key = Accounts.emailKey(email);
    String tokenName = name(name);
    Instant now = Instant.now();
    Instant latest = now.plus(config.accounts().maxTokenLifetime());
    Instant expiry = expiresAt == null ? latest : expiresAt;
    if (!expiry.isAfter(now)) {
      throw new InvalidInputException("expiresAt must lie in the future");
    }
    if (expiry.isAfter(latest)) {
      throw new InvalidInputException(
          "expiresAt must be at most " + config.accounts().maxTokenLifetime() + " from now");
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    int max = config.accounts().maxTokensPerAccount();
    try {
      return Transactions.fromTransaction(
          dataSource,
          conn -> {
            long account;
            try (PreparedStatement ps = conn.prepareStatement(AccountQueries.LOCK_ACCOUNT)) {
              ps.setString(1, key);
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  throw Accounts.unknown(key);
                }
                account = rs.getLong(1);
              }
            }
            try (PreparedStatement ps = conn.prepareStatement(AccountQueries.COUNT_TOKENS)) {
              ps.setLong(1, account);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= max) {
                  throw new InvalidInputException(
                      "an account holds at most " + max + " tokens: delete one first");
                }
              }
            }
            try (PreparedStatement ps = conn.prepareStatement(AccountQueries.INSERT_TOKEN)) {
              ps.setLong(1, account);
              ps.setString(2, tokenName);
              ps.setBytes(3, digest(token));
              ps.setTimestamp(4, Timestamp.from(expiry));
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant created = rs.getTimestamp(2).toInstant();
                return new NewToken(token, new TokenInfo(tokenName, created, expiry, null));
              }
            }
          });
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new DuplicateException("the account has a token named " + tokenName + " already");
      }
      throw e;
    }
  }

  /** The tokens of an account, newest first; 404 when there is no such account. */
  public List<TokenInfo> list(String email) throws SQLException {
    String key = Accounts.emailKey(email);
    try (Connection conn = dataSource.getConnection()) {
      List<TokenInfo> tokens = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(AccountQueries.TOKENS_OF_ACCOUNT)) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Timestamp used = rs.getTimestamp(4);
            tokens.add(
                new TokenInfo(
                    rs.getString(1),
                    rs.getTimestamp(2).toInstant(),
                    rs.getTimestamp(3).toInstant(),
                    used == null ? null : used.toInstant()));
          }
        }
      }
      if (tokens.isEmpty()) {
        // Tells "no tokens" from "no account".
        try (PreparedStatement ps = conn.prepareStatement(AccountQueries.ACCOUNT_BY_EMAIL)) {
          ps.setString(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw Accounts.unknown(key);
            }
          }
        }
      }
      return tokens;
    }
  }

  /** Revokes the token {@code name} of an account; 404 when there is none. */
  public void revoke(String email, String name) throws SQLException {
    String key = Accounts.emailKey(email);
    try (Connection conn = dataSource.getConnection();
        PreparedStatement ps = conn.prepareStatement(AccountQueries.DELETE_TOKEN)) {
      ps.setString(1, key);
      ps.setString(2, name);
      if (ps.executeUpdate() == 0) {
        throw new UnknownAccountException("no token " + name + " of " + key);
      }
    }
  }

  /**
   * The principal of a presented token, or empty when it is unknown, revoked or expired. Blocking
   * (JDBC): never call it on the event loop.
   */
  public Optional<Principal> authenticate(String token) throws SQLException {
    if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    try (Connection conn = dataSource.getConnection()) {
      long id;
      Principal principal;
      try (PreparedStatement ps = conn.prepareStatement(AccountQueries.PRINCIPAL_BY_TOKEN)) {
        ps.setBytes(1, digest(token));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getTimestamp(2).toInstant().isAfter(Instant.now())) {
            return Optional.empty();
          }
          id = rs.getLong(1);
          principal =
              new Principal(
                  rs.getString(4),
                  Role.valueOf(rs.getString(5)),
                  Set.copyOf(Arrays.asList((String[]) rs.getArray(6).getArray())));
        }
      }
      try (PreparedStatement ps = conn.prepareStatement(AccountQueries.TOUCH_TOKEN)) {
        ps.setLong(1, id);
        ps.executeUpdate();
      }
      return Optional.of(principal);
    }
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name is required");
    }
    String n = name.strip();
    if (n.codePointCount(0, n.length()) > MAX_NAME_CHARS) {
      throw new InvalidInputException("name must have at most " + MAX_NAME_CHARS + " characters");
    }
    if (n.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f || ch == '/')) {
      throw new InvalidInputException("name must not contain control characters or '/'");
    }
    return n;
  }

  /** SHA-256 of a secret's UTF-8 bytes. */
  public static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
