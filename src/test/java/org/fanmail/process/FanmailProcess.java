package org.fanmail.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fanmail as a separate process, started from the packaged application the way an operator runs it
 * ({@code java -jar target/quarkus-app/quarkus-run.jar}), for tests that need a real process: kill
 * -9, SIGTERM, start-up refusal, several instances on one database. Every process it starts it
 * stops by PID in {@link #close()}.
 */
public final class FanmailProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Process process;
  private final Path output;
  private final int httpPort;
  private final int smtpPort;
  private final int managementPort;

  private FanmailProcess(
      Process process, Path output, int httpPort, int smtpPort, int managementPort) {
    this.process = process;
    this.output = output;
    this.httpPort = httpPort;
    this.smtpPort = smtpPort;
    this.managementPort = managementPort;
  }

  /**
   * Starts fanmail with the given system properties (on top of free HTTP, SMTP and management
   * ports) in {@code workDir}; its console output goes to {@code workDir/fanmail-N.log}.
   */
  public static FanmailProcess start(Path workDir, Map<String, String> properties)
      throws IOException {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run the package phase first");
    }
    int[] ports = freePorts(3);
    int http = ports[0];
    int smtp = ports[1];
    int management = ports[2];
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    // On loopback only, as every test: Quarkus's default host is every address, and a port free
    // on 127.0.0.1 may be taken on another loopback address (the sinks listen on 127.0.2.x).
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    cmd.add("-Dquarkus.http.port=" + http);
    cmd.add("-Dfanmail.smtp.port=" + smtp);
    cmd.add("-Dquarkus.management.port=" + management);
    cmd.add("-Dfanmail.smtp.host=127.0.0.1");
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    Files.createDirectories(workDir);
    Path log = Files.createTempFile(workDir, "fanmail-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // A datasource from the test environment must not leak into a process meant to run on
    // its embedded default.
    pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("FANMAIL_"));
    return new FanmailProcess(pb.start(), log, http, smtp, management);
  }

  /** Waits until {@code /q/health/ready} answers 200, or fails with the process output. */
  public FanmailProcess awaitReady(Duration timeout) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("fanmail exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("fanmail not ready within " + timeout + ":\n" + output());
  }

  /** The HTTP status of {@code /q/health/ready} now, or -1 when nothing answers. */
  public int readiness() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Waits for the process to exit; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("fanmail still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** SIGTERM: the operator's stop. */
  public void terminate() {
    process.destroy();
  }

  /** The management interface (health, metrics), bound to loopback. */
  public String managementUrl() {
    return "http://127.0.0.1:" + managementPort;
  }

  /** SIGKILL: a crash. Child processes (the embedded PostgreSQL) survive it, as in real life. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public long pid() {
    return process.pid();
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int smtpPort() {
    return smtpPort;
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * {@code n} distinct free ports on loopback: all held open until every one is chosen, since a
   * port closed again may be handed out at once (CI once gave one start the same port for SMTP and
   * the management interface, and it failed to bind the second).
   */
  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
