package org.fanmail.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an outside program (openssl, swaks, python3) for a test and waits for it with a deadline; a
 * program that overruns is stopped by its own process handle, never by name.
 */
public final class ExternalProcess {
  /** Exit code and combined output. */
  public record Result(int exitCode, String output) {}

  private ExternalProcess() {}

  public static Result run(List<String> command, String stdin, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("fanmail-test-proc", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.toHandle().destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IOException(
            command.get(0) + " (pid " + p.pid() + ") overran; output: " + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
