package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash between a digest's assembly and its delivery: a fanmail process assembles an issue (REST
 * 202) while its members' hosts greet with 421, is killed with SIGKILL, and a second process on the
 * same database delivers the issue once the hosts take mail: every digest member gets exactly one
 * copy holding every post, no second issue is written and no post is digested again.
 */
class DigestCrashIT {
  private static final Duration STEP = Duration.ofSeconds(90);

  @TempDir Path tmp;

  @Test
  void anIssueAssembledBeforeACrashIsDeliveredOnceAfterIt() throws Exception {
    try (DeliveryWorkload w = new DeliveryWorkload(tmp, 2, 4, 0)) {
      // The members' hosts greet with 421 while the first process runs: it defers every try.
      for (String host : new String[] {"127.0.2.1", "127.0.2.2"}) {
        w.sink.greet421(host, 1_000_000);
      }
      Map<String, String> props = w.properties(Map.of());
      String local = "digest-" + w.tag;
      String address = local + "@lists." + w.tag + ".test";
      List<String> ids = new ArrayList<>();
      long list;
      try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
        p.awaitReady(STEP);
        list = w.db.list(local, "lists." + w.tag + ".test", "[d]", "POSTER");
        for (int i = 0; i < 12; i++) {
          w.db.member(list, "m" + i + "@" + w.domain(i % 4), "ACTIVE", "DIGEST_MIME");
        }
        List<Long> posts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          String id = TestMail.uniqueId();
          ids.add(id);
          posts.add(
              w.db.acceptedPost(
                  list,
                  address,
                  TestMail.message(id, address, "Crash " + i, "post " + i + "\r\n"),
                  Instant.now()));
        }
        for (long post : posts) {
          w.db.awaitPost(post, "DONE", STEP, "expanded (nobody takes posts one by one)");
        }
        HttpResponse<String> sent =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(p.httpUrl() + "/api/lists/" + address + "/digests"))
                        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(202, sent.statusCode(), sent.body() + "\n" + p.output());
        p.kill();
      }
      assertEquals("1", w.db.scalar("select count(*) from digest where list_id = ?", list));
      String digestPost = w.db.scalar("select mime_post_id from digest where list_id = ?", list);
      assertTrue(
          !"DONE".equals(w.db.postState(Long.parseLong(digestPost))),
          "killed before the digest was delivered");
      assertEquals(0, w.sink.messages().size(), "nothing reached the sink before the crash");

      for (String host : new String[] {"127.0.2.1", "127.0.2.2"}) {
        w.sink.greet421(host, 0);
      }
      try (FanmailProcess p = FanmailProcess.start(tmp, props)) {
        p.awaitReady(STEP);
        w.db.awaitPost(Long.parseLong(digestPost), "DONE", STEP, () -> p.output());
        assertTrue(Await.until(STEP, () -> w.sink.openConnections() == 0));
        HttpResponse<String> again =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(p.httpUrl() + "/api/lists/" + address + "/digests"))
                        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(204, again.statusCode(), "every post is in the issue already");
      }
      List<String> rcpts = new ArrayList<>();
      for (SmtpSink.Message m : w.sink.messages()) {
        assertTrue(m.text().contains("Digest, Vol 1, Issue 1"), m.text());
        for (String id : ids) {
          assertTrue(m.text().contains("<" + id + ">"), "the digest holds " + id);
        }
        rcpts.addAll(m.rcpts());
      }
      assertEquals(12, rcpts.size(), "each member once: " + rcpts);
      assertEquals(12, rcpts.stream().distinct().count(), "each member once: " + rcpts);
      assertEquals("1", w.db.scalar("select count(*) from digest where list_id = ?", list));
    }
  }
}
