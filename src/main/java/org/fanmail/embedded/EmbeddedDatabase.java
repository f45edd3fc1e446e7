package org.fanmail.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>After a kill -9 of fanmail the postgres child survives and holds the data directory; the
 * leftover named in {@code postmaster.pid} is stopped before a new server starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /**
   * Starts (or, after an unclean stop, restarts) a server on {@code dataDir}.
   *
   * @param port the port, or 0 for a free loopback port
   */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    try {
      Path dir = dataDir.toAbsolutePath().normalize();
      Files.createDirectories(dir);
      stopLeftover(dir);
      int chosen = port == 0 ? freePort() : port;
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(chosen)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "200")
              .start();
      return new EmbeddedDatabase(pg, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /** JDBC URL of the {@code postgres} database as the {@code postgres} user. */
  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
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
