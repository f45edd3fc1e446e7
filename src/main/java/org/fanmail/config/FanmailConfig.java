package org.fanmail.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of fanmail, under the prefix {@code fanmail}. Each key is also an environment
 * variable the Quarkus way ({@code fanmail.smtp.port} = {@code FANMAIL_SMTP_PORT}).
 *
 * <p>The tree is validated at start-up: a bad value stops fanmail with a message that names the
 * key. SPEC.md lists the contract; README.md the table for operators.
 */
@ConfigMapping(prefix = "fanmail")
public interface FanmailConfig {

  /** The SMTP front end. */
  SmtpConfig smtp();

  /** The REST admin API. */
  AdminConfig admin();

  /** Accounts, API tokens and web admin logins. */
  AccountsConfig accounts();

  /** Outbound delivery (fan-out). */
  DeliveryConfig delivery();

  /** Email commands, subscription requests and their replies. */
  RequestsConfig requests();

  /** Bounce processing: scores, disabling, the burst guard. */
  BounceConfig bounce();

  /** Held posts: notices to moderators and expiry. */
  ModerationConfig moderation();

  /** Digests: how often lists are looked at for one due. */
  DigestConfig digest();

  /** How long the bytes of finished posts are kept. */
  RetentionConfig retention();

  /** The embedded PostgreSQL that fanmail starts when no JDBC URL is configured. */
  @WithName("embedded-db")
  EmbeddedDbConfig embeddedDb();

  /** Base of the links fanmail puts into mail (unsubscribe, confirm, moderate). */
  @WithName("public-url")
  @WithDefault("http://localhost:8080")
  URI publicUrl();

  /**
   * Secret for the HMAC that signs tokens in links (unsubscribe, moderate); never the admin token.
   * At least 32 characters. Unset on the embedded database: generated once and kept beside it;
   * unset otherwise, short or a placeholder: start-up stops ({@code SecretsCheck}).
   */
  @WithName("link-secret")
  Optional<String> linkSecret();

  /**
   * Earlier link secrets whose tokens still verify (after a rotation, until old mail no longer
   * matters); new tokens are always signed with {@code link-secret}. Unset: none. Each is held to
   * the rules of {@code link-secret} ({@code SecretsCheck}).
   */
  @WithName("previous-link-secrets")
  @NoBlankItems
  Optional<List<String>> previousLinkSecrets();

  /** The public unsubscribe pages. */
  UnsubscribeConfig unsubscribe();

  /** The public list, archive and manage pages. */
  PagesConfig pages();
}
