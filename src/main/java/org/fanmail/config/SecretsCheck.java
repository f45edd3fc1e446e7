package org.fanmail.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * Refuses to start fanmail without a usable {@code fanmail.link-secret}: every link fanmail mails
 * (unsubscribe, moderate) is signed with it, and a guessable key would let anyone unsubscribe
 * members or approve held posts. The admin token is never a stand-in: it is a different credential
 * with a different life. On the embedded database {@code FanmailMain} generates a secret before
 * Quarkus starts, so only an external datasource without one fails here; a secret shorter than
 * {@value #MIN_LENGTH} characters or still holding a {@code change-me} placeholder fails anywhere.
 * Each failure is an {@link IllegalStateException} whose message names the key.
 */
@ApplicationScoped
public class LinkSecretCheck {
  /** Shortest link secret accepted (SPEC: shorter secrets stop start-up). */
  public static final int MIN_LENGTH = 32;

  private final FanmailConfig config;

  public LinkSecretCheck(FanmailConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    requireSecret(config.linkSecret());
  }

  /** The secret, or {@link IllegalStateException} naming the key when it is unusable. */
  public static String requireSecret(Optional<String> secret) {
    if (secret.isEmpty() || secret.get().isBlank()) {
      throw new IllegalStateException(
          "fanmail.link-secret (FANMAIL_LINK_SECRET) is not set: links in mail (unsubscribe,"
              + " moderate) are signed with it; set at least "
              + MIN_LENGTH
              + " random characters (e.g. openssl rand -hex 32), the same on every instance");
    }
    String s = secret.get();
    if (s.length() < MIN_LENGTH) {
      throw new IllegalStateException(
          "fanmail.link-secret (FANMAIL_LINK_SECRET) is too short: "
              + s.length()
              + " characters, at least "
              + MIN_LENGTH
              + " are needed");
    }
    if (s.toLowerCase(java.util.Locale.ROOT).contains("change-me")) {
      throw new IllegalStateException(
          "fanmail.link-secret (FANMAIL_LINK_SECRET) still holds a change-me placeholder");
    }
    return s;
  }
}
