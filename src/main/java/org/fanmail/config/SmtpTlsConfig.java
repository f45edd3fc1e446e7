package org.fanmail.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * PEM files for STARTTLS, under {@code fanmail.smtp.tls}; when both are set, STARTTLS is offered.
 */
public interface SmtpTlsConfig {
  /** PEM certificate chain. */
  Optional<Path> cert();

  /** PEM private key (PKCS#8 or PKCS#1). */
  Optional<Path> key();
}
