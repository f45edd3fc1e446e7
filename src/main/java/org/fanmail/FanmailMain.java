package org.fanmail;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.fanmail.embedded.EmbeddedDatabase;
import org.fanmail.embedded.SecretFile;
import org.jboss.logging.Logger;

/**
 * Entry point. When no {@code quarkus.datasource.jdbc.url} is configured, starts the embedded
 * PostgreSQL before Quarkus (Flyway migrates during start-up, so a {@code StartupEvent} would be
 * too late) and hands its URL to Quarkus as system properties. It also provides the admin token and
 * the link secret on the embedded default: each generated once and kept beside the data directory
 * (owner-only from creation). Neither is ever logged, only the files that keep them.
 *
 * <p>The embedded PostgreSQL exists only in the JVM build. The native build leaves zonky and its
 * binaries out (Maven profile {@code native}: zonky is only {@code provided} there), and
 * native-image replaces {@link #startEmbedded} by a stop with a message saying what to set (see
 * {@code org.fanmail.embedded.NativeImageSubstitutions}), so no path to {@link EmbeddedDatabase} is
 * left in a native executable.
 */
@QuarkusMain
public final class FanmailMain {
  private static final Logger LOG = Logger.getLogger(FanmailMain.class);

  /** Dev-mode reloads call {@link #main} again: the running server is reused. */
  private static volatile EmbeddedDatabase embedded;

  private FanmailMain() {}

  public static void main(String... args) {
    Config config = ConfigProvider.getConfig();
    if (config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty()) {
      startEmbedded(config);
    }
    Quarkus.run(args);
  }

  /** JVM only: native-image substitutes this method (keep its name and signature in step). */
  private static synchronized void startEmbedded(Config config) {
    Path dir =
        config
            .getOptionalValue("fanmail.embedded-db.dir", String.class)
            .map(Path::of)
            .orElse(Path.of("./data/pg"));
    int port = config.getOptionalValue("fanmail.embedded-db.port", Integer.class).orElse(0);
    if (embedded == null) {
      embedded = EmbeddedDatabase.start(dir, port);
      EmbeddedDatabase started = embedded;
      Thread stopper =
          new Thread(
              () -> {
                // Quarkus's own hook stops the application; the database goes after it.
                Application app = Application.currentApplication();
                if (app != null) {
                  app.awaitShutdown();
                }
                started.close();
              },
              "fanmail-embedded-db-stop");
      Runtime.getRuntime().addShutdownHook(stopper);
      LOG.infof(
          "embedded PostgreSQL running: %s (data directory %s)",
          embedded.jdbcUrl(), embedded.dataDir());
    }
    System.setProperty("quarkus.datasource.jdbc.url", embedded.jdbcUrl());
    System.setProperty("quarkus.datasource.username", embedded.user());
    System.setProperty("quarkus.datasource.password", embedded.password());
    Optional<String> token = config.getOptionalValue("fanmail.admin.token", String.class);
    if (token.isEmpty()) {
      System.setProperty("fanmail.admin.token", embeddedToken(embedded.dataDir()));
    }
    Optional<String> linkSecret = config.getOptionalValue("fanmail.link-secret", String.class);
    if (linkSecret.isEmpty()) {
      System.setProperty("fanmail.link-secret", embeddedLinkSecret(embedded.dataDir()));
    }
  }

  /**
   * The generated link secret, kept like the admin token (so mailed links survive restarts) but
   * never logged: whoever reads the log must not be able to sign links.
   */
  private static String embeddedLinkSecret(Path dataDir) {
    return keptSecret(dataDir.resolveSibling("link-secret"), "link secret");
  }

  /**
   * The generated admin token, kept next to the data directory so it survives restarts. Only the
   * file's path is logged: logs travel (collectors, support tickets) and the token opens the API.
   */
  private static String embeddedToken(Path dataDir) {
    return keptSecret(dataDir.resolveSibling("admin-token"), "admin token");
  }

  /** A secret from {@code file}, generated there owner-only (0600 from creation) when missing. */
  private static String keptSecret(Path file, String what) {
    try {
      SecretFile.Kept kept = SecretFile.readOrCreate(file, 32);
      if (kept.generated()) {
        LOG.infof("generated the %s: it is kept in %s (readable by its owner only)", what, file);
      } else {
        LOG.infof("%s from %s", what, file);
      }
      return kept.value();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the " + what + " in " + file, e);
    }
  }
}
