package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a process: fanmail with no datasource starts its own PostgreSQL,
 * keeps the admin token across restarts without ever logging it (nor the link secret or the
 * database passwords; each file is owner-only), survives a kill -9 (the orphaned postgres is
 * stopped on the next start) and leaves no postgres behind after SIGTERM.
 */
class EmbeddedDefaultIT {
  @TempDir Path tmp;

  @Test
  void startsOwnDatabaseSurvivesKillAndStopsCleanly() throws Exception {
    Path dataDir = tmp.resolve("data/pg");
    Map<String, String> props = Map.of("fanmail.embedded-db.dir", dataDir.toString());
    String token;
    long orphan;
    try (FanmailProcess first = FanmailProcess.start(tmp, props)) {
      first.awaitReady(Duration.ofSeconds(120));
      assertTrue(first.output().contains("embedded PostgreSQL running"), first.output());
      token = Files.readString(tmp.resolve("data/admin-token")).trim();
      assertFalse(first.output().contains(token), "the generated token is never logged");
      assertTrue(first.output().contains(tmp.resolve("data/admin-token").toString()));
      for (String secret :
          List.of("admin-token", "link-secret", "pg-password", "pg-superuser-password")) {
        Path file = tmp.resolve("data").resolve(secret);
        assertEquals(
            "rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
            secret + " is owner-only");
        assertFalse(first.output().contains(Files.readString(file).trim()), secret + " logged");
      }
      orphan = postmasterPid(dataDir);
      first.kill();
      assertTrue(running(orphan), "after kill -9 the postgres child is still running");
    }
    try (FanmailProcess second = FanmailProcess.start(tmp, props)) {
      second.awaitReady(Duration.ofSeconds(120));
      assertTrue(second.output().contains("stopping leftover PostgreSQL"), second.output());
      assertFalse(running(orphan));
      assertEquals(token, Files.readString(tmp.resolve("data/admin-token")).trim());
      long postmaster = postmasterPid(dataDir);
      second.terminate();
      int exit = second.awaitExit(Duration.ofSeconds(60));
      // 143 = 128 + SIGTERM: the JVM's status after an orderly stop by signal.
      assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + second.output());
      assertFalse(running(postmaster), "postgres stopped with fanmail");
      assertFalse(Files.exists(dataDir.resolve("postmaster.pid")));
    }
  }

  /**
   * True while {@code pid} runs. A stopped postmaster is re-parented to PID 1, which in a container
   * may not reap it: a zombie counts as stopped.
   */
  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    String s = Files.readString(stat);
    char state = s.charAt(s.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  private static long postmasterPid(Path dataDir) throws Exception {
    Optional<String> first =
        Files.readAllLines(dataDir.resolve("postmaster.pid")).stream().findFirst();
    return Long.parseLong(first.orElseThrow().trim());
  }
}
