package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fanmail --record-cds} for real, as the build runs it: a whole start on a throwaway
 * embedded database (a configured JDBC URL is ignored, not used), probed, one post fanned out to
 * the run's own sink and delivered, and stopped, leaves an archive the JVM maps with {@code
 * -Xshare:on} and nothing else: its temporary directory is gone and no postgres runs on it. Run
 * directly with a JDBC URL, a training run refuses to start.
 */
class TrainingRunIT {
  private static final Path APP = Path.of("target/quarkus-app").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void recordsAnArchiveTheJvmMapsAndLeavesNothingBehind() throws Exception {
    Path archive = tmp.resolve("fanmail-cds.jsa");
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    ProcessBuilder pb = new ProcessBuilder("sh", Path.of("bin/fanmail").toString(), "--record-cds");
    pb.environment().keySet().removeIf(k -> k.startsWith("FANMAIL_") || k.equals("JAVA_OPTS"));
    pb.environment().put("FANMAIL_APP", APP.toString());
    pb.environment().put("FANMAIL_CDS_ARCHIVE", archive.toString());
    pb.environment().put("TMPDIR", scratch.toString());
    // An installation's database: the training run must neither use nor need it.
    pb.environment().put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
    String out = run(pb, 180);
    assertTrue(out.startsWith("exit 0"), out);
    assertTrue(out.contains("delivered to 40 members, stopping"), out);
    assertTrue(Files.size(archive) > 1_000_000, out);
    try (Stream<Path> left = Files.list(scratch)) {
      assertEquals(List.of(), left.toList(), "the training run's directory is removed");
    }
    assertTrue(
        ProcessHandle.allProcesses()
            .noneMatch(p -> p.info().commandLine().orElse("").contains(scratch.toString())),
        "no process runs on the training run's directory");
    String mapped =
        run(
            new ProcessBuilder(
                "java",
                "-XX:SharedArchiveFile=" + archive,
                "-Xshare:on",
                "-cp",
                APP.resolve("quarkus-run.jar").toString(),
                "-version"),
            60);
    assertTrue(mapped.startsWith("exit 0"), "the archive maps with -Xshare:on: " + mapped);
  }

  @Test
  void refusesAConfiguredDatabase() throws Exception {
    String out =
        run(
            new ProcessBuilder(
                "java",
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:1/nowhere",
                "-jar",
                APP.resolve("quarkus-run.jar").toString(),
                "--training-run"),
            60);
    assertTrue(out.startsWith("exit 2"), out);
    assertTrue(out.contains("throwaway embedded database only"), out);
  }

  /** "exit N" and the output of {@code pb}, waited for at most {@code seconds}. */
  private String run(ProcessBuilder pb, int seconds) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after " + seconds + " s: " + Files.readString(out));
    }
    return "exit " + p.exitValue() + "\n" + Files.readString(out, StandardCharsets.UTF_8);
  }
}
