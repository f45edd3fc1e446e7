package org.fanmail.account;

import io.quarkus.elytron.security.common.BcryptUtil;
import java.nio.charset.StandardCharsets;
import org.fanmail.list.InvalidInputException;

/**
 * Password hashing with bcrypt (WildFly Elytron's, as Quarkus ships it), cost {@value #COST}. A
 * password must be {@value #MIN_CHARS} characters at least and {@value #MAX_BYTES} UTF-8 bytes at
 * most: bcrypt ignores what lies past 72 bytes, so a longer one is refused rather than silently
 * cut. A check against an account without a hash still spends one bcrypt's time, so that the answer
 * time does not tell which emails have accounts.
 */
public final class Passwords {
  static final int COST = 12;
  public static final int MIN_CHARS = 12;
  public static final int MAX_BYTES = 72;

  /** A hash of a password nobody has, checked when the account is unknown. */
  private static final String DECOY = BcryptUtil.bcryptHash("decoy-password-of-no-account", COST);

  private Passwords() {}

  /** The bcrypt hash of {@code password}, after checking its length. */
  public static String hash(String password) {
    check(password);
    return BcryptUtil.bcryptHash(password, COST);
  }

  /** Refuses a password that is too short or too long, with a message for the person typing it. */
  public static void check(String password) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_CHARS) {
      throw new InvalidInputException("password must have at least " + MIN_CHARS + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidInputException("password must be at most " + MAX_BYTES + " bytes in UTF-8");
    }
  }

  /** True when {@code password} matches {@code hash}; a null hash spends the same time, false. */
  public static boolean matches(String password, String hash) {
    if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      BcryptUtil.matches("x", DECOY);
      return false;
    }
    if (hash == null) {
      BcryptUtil.matches(password, DECOY);
      return false;
    }
    try {
      return BcryptUtil.matches(password, hash);
    } catch (RuntimeException e) {
      // A hash that is not bcrypt (edited by hand) opens nothing.
      return false;
    }
  }
}
