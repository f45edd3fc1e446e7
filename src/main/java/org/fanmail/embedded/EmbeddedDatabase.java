package org.fanmail.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The PostgreSQL that fanmail starts for itself when no JDBC URL is configured (JVM mode only).
 *
 * <p>The data directory persists across restarts, so lists, members and queued posts survive.
 * Durability is switched back on ({@code fsync}, {@code synchronous_commit}, {@code
 * full_page_writes}): zonky turns them off for tests, and fanmail says 250 only after a commit that
 * must survive a power cut.
 *
 * <p>Nobody connects without a password: SCRAM for every connection, fanmail as a role that is not
 * a superuser, passwords in owner-only files beside the data directory ({@value #PASSWORD_FILE},
 * {@value #SUPERUSER_PASSWORD_FILE}); a data directory from the days of trust is migrated on its
 * first start ({@link ClusterAccess}).
 *
 * <p>After a kill -9 of fanmail the postgres child survives and holds the data directory; the
 * leftover named in {@code postmaster.pid} is stopped before a new server starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

  /** Beside the data directory: the application role's password. */
  public static final String PASSWORD_FILE = "pg-password";

  /** Beside the data directory: the superuser's, for set-up and for an operator's maintenance. */
  public static final String SUPERUSER_PASSWORD_FILE = "pg-superuser-password";

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, String password) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.password = password;
  }

  /**
   * Starts (or, after an unclean stop, restarts) a server on {@code dataDir}.
   *
   * @param port the port, or 0 for a free loopback port
   */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    return start(plan(dataDir, port));
  }

  /**
   * Where a server on {@code dataDir} will listen and fanmail's password on it, known before it
   * runs: {@code FanmailMain} hands them to Quarkus and starts the server beside the boot.
   *
   * @param port the port, or 0 for a free loopback port (chosen now)
   */
  public static Plan plan(Path dataDir, int port) {
    try {
      Path dir = dataDir.toAbsolutePath().normalize();
      Files.createDirectories(dir);
      // fanmail's own password may be replaced: every start sets the role's from the file.
      String appPassword = SecretFile.readOrCreate(dir.resolveSibling(PASSWORD_FILE), 32).value();
      return new Plan(dir, port == 0 ? freePort() : port, appPassword);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * A server to start: its data directory, port and fanmail's password.
   *
   * @param dataDir absolute and normalised
   */
  public record Plan(Path dataDir, int port, String password) {
    /** JDBC URL of fanmail's database on this server, without credentials. */
    public String jdbcUrl() {
      return "jdbc:postgresql://localhost:" + port + "/" + ClusterAccess.APP_DATABASE;
    }

    /** The application role. */
    public String user() {
      return ClusterAccess.APP_ROLE;
    }
  }

  /** Starts the server {@code plan} describes (see {@link #start(Path, int)}). */
  public static EmbeddedDatabase start(Plan plan) {
    Path dir = plan.dataDir();
    try {
      stopLeftover(dir);
      ClusterAccess.State state = ClusterAccess.stateOf(dir);
      Path superuserFile = dir.resolveSibling(SUPERUSER_PASSWORD_FILE);
      if (state == ClusterAccess.State.PASSWORD && !Files.exists(superuserFile)) {
        // A new password would not open the cluster: say so now, not after zonky's 60 s wait.
        throw new IllegalStateException(
            superuserFile
                + " is missing: the embedded PostgreSQL in "
                + dir
                + " takes passwords only and this file holds its superuser's; restore it");
      }
      String superuserPassword = SecretFile.readOrCreate(superuserFile, 32).value();
      String appPassword = plan.password();
      int chosen = plan.port();
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(chosen)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("password_encryption", "scram-sha-256")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "200")
              // zonky's readiness check connects as postgres with these properties.
              .setConnectConfig("password", superuserPassword);
      if (state == ClusterAccess.State.NEW) {
        // zonky runs initdb with -A trust -U postgres and no way to change that, but appends
        // its "locale" settings as --key=value after them, and initdb takes the last one given:
        // the cluster is born with SCRAM and a superuser password, never trusting anyone.
        builder
            .setLocaleConfig("auth-local", "scram-sha-256")
            .setLocaleConfig("auth-host", "scram-sha-256")
            .setLocaleConfig("pwfile", superuserFile.toString())
            .setDataDirectoryCustomizer(d -> writePgHba(d.toPath()));
      }
      EmbeddedPostgres pg = builder.start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, dir, appPassword);
      try {
        String server = "jdbc:postgresql://localhost:" + pg.getPort() + "/";
        if (state == ClusterAccess.State.TRUST) {
          ClusterAccess.leaveTrust(server, dir, superuserPassword);
        }
        ClusterAccess.ensureAppRole(server, superuserPassword, appPassword);
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw new IllegalStateException(
            "cannot set up the application role of the embedded PostgreSQL in " + dir, e);
      }
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir, e);
    }
  }

  private static void writePgHba(Path dir) {
    try {
      ClusterAccess.writePgHba(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * JDBC URL of fanmail's database, without credentials: see {@link #user} and {@link #password}.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + ClusterAccess.APP_DATABASE;
  }

  /** The application role: owns fanmail's database, is not a superuser. */
  public String user() {
    return ClusterAccess.APP_ROLE;
  }

  /** The application role's password (kept owner-only in {@value #PASSWORD_FILE}). */
  public String password() {
    return password;
  }

  public Path dataDir() {
    return dataDir;
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warnf(e, "stopping the embedded PostgreSQL in %s failed", dataDir);
    }
    try {
      // zonky's pg_ctl stop gives up after a few seconds (clients still connected, a slow
      // checkpoint) and leaves the server running: make sure it goes.
      stopLeftover(dataDir);
    } catch (IOException e) {
      LOG.warnf(e, "could not check %s for a server left running", dataDir);
    }
  }

  /**
   * Stops the postmaster a killed fanmail left behind, if {@code postmaster.pid} names a live
   * postgres process. Zonky would otherwise fail to start on a locked data directory.
   */
  static void stopLeftover(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive() || !isPostgres(handle.get())) {
      return;
    }
    LOG.warnf("stopping leftover PostgreSQL (pid %d) that holds %s", pid, dir);
    ProcessHandle leftover = handle.get();
    leftover.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown
    try {
      leftover.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      leftover.destroyForcibly();
    }
  }

  private static boolean isPostgres(ProcessHandle handle) {
    return handle.info().command().map(c -> c.endsWith("postgres")).orElse(true);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
