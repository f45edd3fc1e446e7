package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad configuration value stops start-up with a message that names the key (and never repeats a
 * secret).
 */
class ConfigValidationIT {
  @TempDir Path tmp;

  @Test
  void badValueStopsStartupNamingTheKey() throws Exception {
    Map<String, String> props =
        Map.of(
            "fanmail.embedded-db.dir",
            tmp.resolve("pg").toString(),
            "fanmail.delivery.max-connections-per-host",
            "0");
    try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
      int exit = p.awaitExit(Duration.ofSeconds(120));
      assertNotEquals(0, exit);
      assertTrue(p.output().contains("fanmail.delivery.max-connections-per-host"), p.output());
    }
  }

  @Test
  void unparsableDurationStopsStartupNamingTheKey() throws Exception {
    Map<String, String> props =
        Map.of(
            "fanmail.embedded-db.dir",
            tmp.resolve("pg").toString(),
            "fanmail.smtp.idle-timeout",
            "soon");
    try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
      int exit = p.awaitExit(Duration.ofSeconds(120));
      assertNotEquals(0, exit);
      assertTrue(p.output().contains("fanmail.smtp.idle-timeout"), p.output());
    }
  }

  /**
   * What deploy/ used to ship: a placeholder secret stops start-up, even on the embedded database.
   */
  @Test
  void placeholderSecretStopsStartupNamingTheKey() throws Exception {
    String placeholder = "change-me-to-a-long-random-admin-token-0123";
    Map<String, String> props =
        Map.of(
            "fanmail.embedded-db.dir",
            tmp.resolve("pg").toString(),
            "fanmail.admin.token",
            placeholder);
    try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
      int exit = p.awaitExit(Duration.ofSeconds(120));
      assertNotEquals(0, exit);
      assertTrue(p.output().contains("fanmail.admin.token"), p.output());
      assertTrue(p.output().contains("change-me placeholder"), p.output());
      assertFalse(p.output().contains(placeholder), "the secret itself is never printed");
    }
  }
}
