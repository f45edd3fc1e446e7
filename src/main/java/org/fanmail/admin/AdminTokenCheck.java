package org.fanmail.admin;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;

/**
 * Refuses to start fanmail without an admin token: an API that answers everyone must never come up
 * by accident. On the embedded database {@code FanmailMain} generates a token before Quarkus
 * starts, so only an external datasource without {@code fanmail.admin.token} fails here, with a
 * message that names the key.
 */
@ApplicationScoped
public class AdminTokenCheck {
  private final FanmailConfig config;

  public AdminTokenCheck(FanmailConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    requireToken(config.admin().token());
  }

  /** The token, or {@link IllegalStateException} naming the key when it is unset or blank. */
  public static String requireToken(Optional<String> token) {
    if (token.isEmpty() || token.get().isBlank()) {
      throw new IllegalStateException(
          "fanmail.admin.token (FANMAIL_ADMIN_TOKEN) is not set: the REST admin API under /api"
              + " needs a bearer token when fanmail runs on an external datasource");
    }
    return token.get();
  }
}
