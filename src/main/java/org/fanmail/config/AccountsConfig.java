package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * Accounts, their API tokens and web admin logins, under {@code fanmail.accounts}. The bootstrap
 * token {@code fanmail.admin.token} is not an account and is not limited here.
 */
public interface AccountsConfig {
  /** Most API tokens one account may hold at once (expired ones count until deleted). */
  @WithName("max-tokens-per-account")
  @WithDefault("20")
  @Range(min = 1, max = 1000)
  int maxTokensPerAccount();

  /** Longest lifetime an API token may be given; a token without {@code expiresAt} gets it. */
  @WithName("max-token-lifetime")
  @WithDefault("365d")
  Duration maxTokenLifetime();

  /** How long a web admin login lasts, from the login (not renewed by use). */
  @WithName("session-lifetime")
  @WithDefault("12h")
  Duration sessionLifetime();

  /** Failed logins allowed per account within {@code login-window}, before logins are refused. */
  @WithName("login-failures-per-account")
  @WithDefault("10")
  @Range(min = 1)
  int loginFailuresPerAccount();

  /** Failed logins allowed per client network (IPv4 address, IPv6 /64) within the window. */
  @WithName("login-failures-per-network")
  @WithDefault("30")
  @Range(min = 1)
  int loginFailuresPerNetwork();

  /** The window the failed logins are counted in, cluster-wide (in the database). */
  @WithName("login-window")
  @WithDefault("15m")
  Duration loginWindow();
}
