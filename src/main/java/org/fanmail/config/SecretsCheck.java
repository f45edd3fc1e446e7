package org.fanmail.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses to start fanmail with a secret that is missing, short or a placeholder. The secrets are
 * {@code fanmail.admin.token} (opens {@code /api}), {@code fanmail.link-secret} (signs every link
 * fanmail mails: unsubscribe, confirm, moderate, manage) and {@code fanmail.previous-link-secrets}
 * (still verify such links): a guessable one lets anyone unsubscribe members or approve held posts,
 * and the examples shipped in deploy/ must never run as they are. Each must be at least {@value
 * #MIN_LENGTH} characters and hold no {@code change-me}. On the embedded database {@code
 * FanmailMain} generates the token and the link secret before Quarkus starts, so only an external
 * datasource can lack one. Every failure is an {@link IllegalStateException} whose message names
 * the key (and its environment variable) and says how to make a good value.
 */
@ApplicationScoped
public class SecretsCheck {
  /** Shortest secret accepted (SPEC: shorter secrets stop start-up). */
  public static final int MIN_LENGTH = 32;

  static final String HOW_TO_MAKE_ONE = "e.g. openssl rand -base64 33";

  private final FanmailConfig config;

  public SecretsCheck(FanmailConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    requireAdminToken(config.admin().token());
    requireLinkSecret(config.linkSecret());
    requirePreviousLinkSecrets(config.previousLinkSecrets());
  }

  /** The admin token, or {@link IllegalStateException} naming the key when it is unusable. */
  public static String requireAdminToken(Optional<String> token) {
    return require(
        "fanmail.admin.token (FANMAIL_ADMIN_TOKEN)",
        token,
        "the REST admin API under /api needs a bearer token when fanmail runs on an external"
            + " datasource");
  }

  /** The link secret, or {@link IllegalStateException} naming the key when it is unusable. */
  public static String requireLinkSecret(Optional<String> secret) {
    return require(
        "fanmail.link-secret (FANMAIL_LINK_SECRET)",
        secret,
        "links in mail (unsubscribe, confirm, moderate) are signed with it; use the same value on"
            + " every instance");
  }

  /** Each earlier link secret, held to the same rules: each one still verifies links. */
  public static void requirePreviousLinkSecrets(Optional<List<String>> secrets) {
    List<String> all = secrets.orElse(List.of());
    for (int i = 0; i < all.size(); i++) {
      require(
          "fanmail.previous-link-secrets, item " + (i + 1) + " (FANMAIL_PREVIOUS_LINK_SECRETS)",
          Optional.of(all.get(i)),
          "a link secret that still verifies links");
    }
  }

  private static String require(String key, Optional<String> value, String whatItIsFor) {
    if (value.isEmpty() || value.get().isBlank()) {
      throw new IllegalStateException(
          key
              + " is not set: "
              + whatItIsFor
              + "; set at least "
              + MIN_LENGTH
              + " random characters ("
              + HOW_TO_MAKE_ONE
              + ")");
    }
    String s = value.get();
    if (s.length() < MIN_LENGTH) {
      throw new IllegalStateException(
          key
              + " is too short: "
              + s.length()
              + " characters, at least "
              + MIN_LENGTH
              + " are needed ("
              + HOW_TO_MAKE_ONE
              + ")");
    }
    if (s.toLowerCase(Locale.ROOT).contains("change-me")) {
      throw new IllegalStateException(
          key + " still holds a change-me placeholder: replace it (" + HOW_TO_MAKE_ONE + ")");
    }
    return s;
  }
}
