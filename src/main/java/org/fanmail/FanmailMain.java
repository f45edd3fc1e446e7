package org.fanmail;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.fanmail.embedded.AwaitingSocketFactory;
import org.fanmail.embedded.EmbeddedDatabase;
import org.fanmail.embedded.PendingStart;
import org.fanmail.embedded.SecretFile;
import org.jboss.logging.Logger;

/**
 * Entry point. When no {@code quarkus.datasource.jdbc.url} is configured, starts the embedded
 * PostgreSQL beside Quarkus's boot (begun before {@code Quarkus.run}: Flyway migrates during
 * start-up, so a {@code StartupEvent} would be too late; connections wait for the start) and hands
 * its URL to Quarkus as system properties. It also provides the admin token and the link secret on
 * the embedded default: each generated once and kept beside the data directory (owner-only from
 * creation). Neither is ever logged, only the files that keep them.
 *
 * <p>The embedded PostgreSQL exists only in the JVM build. The native build leaves zonky and its
 * binaries out (Maven profile {@code native}: zonky is only {@code provided} there), and
 * native-image replaces {@link #startEmbedded} by a stop with a message saying what to set (see
 * {@code org.fanmail.embedded.NativeImageSubstitutions}), so no path to {@link EmbeddedDatabase} is
 * left in a native executable.
 *
 * <p>{@code --training-run} as the first argument (from {@code bin/fanmail --record-cds} only)
 * starts fanmail as usual, with its copies relayed to a {@link TrainingSink} on loopback, runs
 * {@link TrainingRun} once it is ready and stops, so that the JVM records the classes of a whole
 * start and a first post in its class-data archive. It runs on the embedded database only: with a
 * JDBC URL configured it refuses to start, so a training run never touches an installation's data.
 */
@QuarkusMain
public final class FanmailMain {
  private static final Logger LOG = Logger.getLogger(FanmailMain.class);

  /** Dev-mode reloads call {@link #main} again: the running server is reused. */
  private static volatile EmbeddedDatabase.Plan plan;

  private FanmailMain() {}

  /** The first argument that makes a start a training run (see the class comment). */
  static final String TRAINING_RUN = "--training-run";

  public static void main(String... args) {
    Config config = ConfigProvider.getConfig();
    boolean training = args.length > 0 && TRAINING_RUN.equals(args[0]);
    boolean external =
        config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).isPresent();
    if (training && external) {
      System.err.println(
          "fanmail: a training run uses a throwaway embedded database only; unset"
              + " quarkus.datasource.jdbc.url for it");
      System.exit(2);
    }
    if (!external) {
      startEmbedded(config);
    }
    if (training) {
      trainingRoutes();
      Quarkus.run(TrainingRun.class, Arrays.copyOfRange(args, 1, args.length));
    } else {
      Quarkus.run(args);
    }
  }

  /**
   * A training run's post goes to a {@link TrainingSink} of its own on loopback, and nothing of it
   * asks DNS: every copy through the relay host (the sink), no TLS, no inbound checks. System
   * properties, so they win over whatever else configures the run.
   */
  private static void trainingRoutes() {
    try {
      TrainingSink sink = TrainingSink.start();
      System.setProperty("fanmail.delivery.relay-host", "[127.0.0.1]:" + sink.port());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the training run's sink", e);
    }
    System.setProperty("fanmail.delivery.tls", "none");
    System.setProperty("fanmail.delivery.mta-sts", "false");
    System.setProperty("fanmail.smtp.inbound-auth.enabled", "false");
  }

  /**
   * JVM only: native-image substitutes this method (keep its name and signature in step).
   *
   * <p>The server starts on a thread of its own while Quarkus boots (the two used to run one after
   * the other and were the two largest parts of a restart): its port and fanmail's password are
   * chosen first and handed to Quarkus at once; the URL's socket factory and the migration wait for
   * the start ({@link PendingStart}), and a failed start fails the boot at its first connection.
   */
  private static synchronized void startEmbedded(Config config) {
    Path dir =
        config
            .getOptionalValue("fanmail.embedded-db.dir", String.class)
            .map(Path::of)
            .orElse(Path.of("./data/pg"));
    int port = config.getOptionalValue("fanmail.embedded-db.port", Integer.class).orElse(0);
    if (plan == null) {
      EmbeddedDatabase.Plan chosen = EmbeddedDatabase.plan(dir, port);
      CompletableFuture<EmbeddedDatabase> running = new CompletableFuture<>();
      PendingStart.begin(running.thenApply(db -> null));
      Thread starter =
          new Thread(
              () -> {
                try {
                  EmbeddedDatabase db = EmbeddedDatabase.start(chosen);
                  LOG.infof(
                      "embedded PostgreSQL running: %s (data directory %s)",
                      db.jdbcUrl(), db.dataDir());
                  running.complete(db);
                } catch (RuntimeException | Error e) {
                  LOG.errorf(e, "the embedded PostgreSQL in %s did not start", chosen.dataDir());
                  running.completeExceptionally(e);
                }
              },
              "fanmail-embedded-db-start");
      starter.setDaemon(true);
      starter.start();
      Thread stopper =
          new Thread(
              () -> {
                // Quarkus's own hook stops the application; the database goes after it.
                Application app = Application.currentApplication();
                if (app != null) {
                  app.awaitShutdown();
                }
                // A start still running when the JVM stops finishes first, then stops.
                running.handle((db, failure) -> db).join();
                EmbeddedDatabase db = running.getNow(null);
                if (db != null) {
                  db.close();
                }
              },
              "fanmail-embedded-db-stop");
      Runtime.getRuntime().addShutdownHook(stopper);
      plan = chosen;
    }
    System.setProperty(
        "quarkus.datasource.jdbc.url",
        plan.jdbcUrl() + "?socketFactory=" + AwaitingSocketFactory.class.getName());
    System.setProperty("quarkus.datasource.username", plan.user());
    System.setProperty("quarkus.datasource.password", plan.password());
    Optional<String> token = config.getOptionalValue("fanmail.admin.token", String.class);
    if (token.isEmpty()) {
      System.setProperty("fanmail.admin.token", embeddedToken(plan.dataDir()));
    }
    Optional<String> linkSecret = config.getOptionalValue("fanmail.link-secret", String.class);
    if (linkSecret.isEmpty()) {
      System.setProperty("fanmail.link-secret", embeddedLinkSecret(plan.dataDir()));
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
