package org.fanmail.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.ClassSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the browser scenarios of {@code src/test/browser} (Node's test runner, playwright-core,
 * Debian's {@code /usr/bin/chromium} headless) against this application: create a list, import
 * 10,000 members and watch the progress bar finish, approve a held post and watch its delivery to
 * the class's SMTP sink complete. The held post and its list are prepared here; the browser does
 * the rest as a person would. Where Chromium or the test's {@code node_modules} are missing the
 * test is skipped, except under {@code CI=true}, where it fails ({@code .ci/run} installs both).
 * With {@code -Dbrowser.screenshots=DIR} the scenarios write screenshots of the main pages there.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class BrowserTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  static final Path SCENARIOS = Path.of("src/test/browser");
  static final String CHROMIUM = "/usr/bin/chromium";

  /** The whole run: 10,000 rows imported, a post delivered, a browser started and stopped. */
  static final long TIMEOUT_MINUTES = 8;

  @TestHTTPResource("/")
  URL base;

  @Inject DataSource dataSource;
  @Inject FanmailConfig config;

  @Test
  void theWebAdminInARealBrowser() throws Exception {
    boolean ready =
        Files.isExecutable(Path.of(CHROMIUM))
            && Files.isDirectory(SCENARIOS.resolve("node_modules/playwright-core"));
    if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) {
      assertEquals(true, ready, "CI must run the browser tests: chromium and npm ci in .ci/run");
    }
    assumeTrue(ready, "no " + CHROMIUM + " or no src/test/browser/node_modules (npm ci there)");

    TestMail mail = new TestMail(dataSource);
    String list =
        mail.listWithPolicy(
            TestMail.uniqueAddress("browser-held"), "Held in a browser", "MEMBERS", "HOLD", null);
    long listId = mail.listId(list);
    mail.members(listId, "reader", "a.test", 12);
    mail.members(listId, "reader", "c.test", 5);
    long post = mail.held(list, "A post to approve in the browser");

    String url = base.toString().replaceAll("/$", "");
    Path log = Files.createTempFile("fanmail-browser", ".log");
    ProcessBuilder node =
        new ProcessBuilder(List.of("node", "--test", "--test-concurrency=1", "admin.test.mjs"))
            .directory(SCENARIOS.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = node.environment();
    env.put("FANMAIL_URL", url);
    env.put("FANMAIL_TOKEN", TestSecrets.BEARER.substring("Bearer ".length()));
    env.put("HELD_LIST", list);
    env.put("HELD_POST", Long.toString(post));
    env.put("HELD_MEMBERS", "17");
    // A member's manage link, as the list page would mail it (the mail itself is ListPagesTest's).
    long memberId;
    String memberEmail;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, email FROM member WHERE list_id = ? ORDER BY id LIMIT 1")) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        memberId = rs.getLong(1);
        memberEmail = rs.getString(2);
      }
    }
    String token =
        LinkTokens.of(config)
            .sign(Purpose.MANAGE, listId, memberId, Instant.now().plus(Duration.ofHours(1)));
    env.put("MANAGE_URL", url + "/manage/" + token);
    env.put("MANAGE_MEMBER", memberEmail);
    env.put("CHROMIUM", CHROMIUM);
    String shots = System.getProperty("browser.screenshots");
    if (shots != null && !shots.isBlank()) {
      env.put("SCREENSHOTS", new File(shots).getAbsolutePath());
    }
    Process process = node.start();
    int status;
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        throw new AssertionError("browser tests still running after " + TIMEOUT_MINUTES + " min");
      }
      status = process.exitValue();
    } finally {
      // Stopped by its own handle: the node process this test started, and what it started.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    System.out.println(output);
    assertEquals(0, status, "browser tests failed:\n" + output);
  }
}
