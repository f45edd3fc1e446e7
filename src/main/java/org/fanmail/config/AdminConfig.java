package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/** REST admin API settings, under {@code fanmail.admin}. */
public interface AdminConfig {
  /**
   * Bearer token for {@code /api/**}, at least 32 characters. Unset on the embedded database:
   * generated once and kept owner-only beside it (the file's path is logged, never the token).
   * Unset with an external datasource, short or a placeholder: start-up stops ({@code
   * SecretsCheck}).
   */
  Optional<String> token();

  /** Largest member import accepted in one request, in rows. */
  @WithName("max-import-rows")
  @WithDefault("1000000")
  @Range(min = 1)
  int maxImportRows();
}
