package org.fanmail.testing;

/**
 * The secrets of the test profile, as application.properties sets them ({@code %test.}): long
 * enough for {@code SecretsCheck} (32 characters at least, no placeholder), so tests run on the
 * same rules as production.
 */
public final class TestSecrets {
  /** {@code %test.fanmail.admin.token}. */
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123";

  /** The {@code Authorization} header value that opens {@code /api} in tests. */
  public static final String BEARER = "Bearer " + ADMIN_TOKEN;

  private TestSecrets() {}
}
