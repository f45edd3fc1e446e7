package org.fanmail.moderation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The life of a held post, as moderators and posters live it: a post to a moderated list arrives
 * over SMTP and is held; its moderators and owners get one notice at the test sink with a link; the
 * public moderation page behind the link approves it and the members get it; a rejected post's
 * poster gets the moderator's reason; a post nobody decides expires; a flood of held posts from
 * forged senders brings no more notices than the hourly system mail cap of its network.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class HeldPostNoticeTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern LINK = Pattern.compile("/moderate/([A-Za-z0-9._-]+)");

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer smtp;
  @Inject HeldPostNotices notices;
  @Inject HoldExpiry expiry;
  @Inject FanmailConfig config;

  private TestMail db() {
    return new TestMail(dataSource);
  }

  /** A moderated list with owner owner@b.test (array), moderator and a plain member. */
  private String moderatedList(String local) throws SQLException {
    long id = db().list(local, "lists.test", null, "POSTER");
    db().sql(
            "update mailing_list set posting_policy = 'MODERATED', owners = array['"
                + local
                + "-owner@b.test'] where id = "
                + id);
    db().member(id, local + "-mod@a.test", "ACTIVE", "NOMAIL");
    db().sql("update member set role = 'MODERATOR' where email = '" + local + "-mod@a.test'");
    db().member(id, local + "-reader@c.test", "ACTIVE", "REGULAR");
    return local + "@lists.test";
  }

  private long post(String list, String poster, String subject) throws Exception {
    byte[] msg =
        ("From: Poster <"
                + poster
                + ">\r\nTo: "
                + list
                + "\r\nSubject: "
                + subject
                + "\r\nMessage-ID: <"
                + TestMail.uniqueId()
                + ">\r\n\r\nPlease let this through.\r\n")
            .getBytes(StandardCharsets.UTF_8);
    long id = TestMail.submit(smtp.port(), poster, list, msg);
    assertEquals("HELD", db().postState(id));
    return id;
  }

  private static List<SmtpSink.Message> heldNotices(long postId) {
    return SINK.sink().messages().stream()
        .filter(m -> m.text().contains("X-Fanmail-Post: " + postId + "\r\n"))
        .toList();
  }

  @Test
  void aHeldPostBringsOneNoticeAndItsPageApprovesIt() throws Exception {
    String local = "held" + System.nanoTime();
    String list = moderatedList(local);
    long post = post(list, local + "-poster@d.test", "Please approve me");

    assertTrue(Await.until(WAIT, () -> !heldNotices(post).isEmpty()), "notice delivered");
    SmtpSink.Message notice = heldNotices(post).get(0);
    assertEquals(
        List.of(local + "-mod@a.test", local + "-owner@b.test"),
        notice.rcpts().stream().sorted().toList(),
        "moderators (even on NOMAIL) and owners, not plain members");
    assertEquals("", notice.mailFrom());
    String text = notice.text();
    assertTrue(text.contains("Subject: Held for moderation on " + list + ": Please approve me"));
    assertTrue(text.contains(local + "-poster@d.test"), text);
    assertTrue(text.contains("Held:"), text);
    assertTrue(text.contains("/api/lists/" + list + "/held/" + post + "/approve"), text);
    assertNotNull(db().scalar("select notified_at from post where id = ?", post));

    // Scans after the notice find nothing more to say about this post.
    notices.scan();
    notices.notifyNext(post);
    assertEquals(
        "1",
        db().scalar(
                "select count(*) from post where purpose = 'SYSTEM' and list_address = ?"
                    + " and subject like 'Held for moderation%'",
                list));

    Matcher m = LINK.matcher(text);
    assertTrue(m.find(), text);
    String token = m.group(1);
    given()
        .get("/moderate/{t}", token)
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("Please approve me"))
        .body(containsString("value=\"approve\""));
    String forged = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
    given().get("/moderate/{t}", forged).then().statusCode(404);
    given().formParam("action", "approve").post("/moderate/{t}", forged).then().statusCode(404);
    assertEquals("HELD", db().postState(post), "a GET or a forged token decides nothing");

    given()
        .formParam("action", "approve")
        .post("/moderate/{t}", token)
        .then()
        .statusCode(200)
        .body(containsString("Approved"));
    db().awaitPost(post, "DONE", WAIT, "approved post delivered");
    assertTrue(
        SINK.sink().messages().stream()
            .anyMatch(
                x ->
                    x.rcpts().contains(local + "-reader@c.test")
                        && x.text().contains("Please approve me")),
        "the member got the approved post");
    given()
        .formParam("action", "discard")
        .post("/moderate/{t}", token)
        .then()
        .statusCode(409)
        .body(containsString("DONE"));
  }

  @Test
  void aRejectTellsThePosterTheReason() throws Exception {
    String local = "rej" + System.nanoTime();
    String list = moderatedList(local);
    String poster = local + "-poster@d.test";
    long post = post(list, poster, "Buy my stuff");

    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("application/json")
        .body("{\"reason\": \"Off topic: this list is about cats.\"}")
        .post("/api/lists/{a}/held/{id}/reject", list, post)
        .then()
        .statusCode(200)
        .body("state", equalTo("REJECTED"));

    assertTrue(
        Await.until(
            WAIT,
            () -> SINK.sink().messages().stream().anyMatch(x -> x.rcpts().equals(List.of(poster)))),
        "poster notified");
    SmtpSink.Message notice =
        SINK.sink().messages().stream()
            .filter(x -> x.rcpts().equals(List.of(poster)))
            .findFirst()
            .orElseThrow();
    assertEquals("", notice.mailFrom(), "the null sender");
    assertTrue(notice.text().contains("Off topic: this list is about cats."), notice.text());
    assertTrue(notice.text().contains("Auto-Submitted: auto-replied"), notice.text());
    assertTrue(notice.text().contains("Subject: Your post to " + list + " was rejected"));
  }

  @Test
  void undecidedPostsExpireWithoutTellingThePoster() throws Exception {
    String local = "exp" + System.nanoTime();
    String list = moderatedList(local);
    String poster = local + "-poster@d.test";
    long old = post(list, poster, "Too late");
    long fresh = post(list, poster, "Still in time");
    db().sql("update post set received_at = now() - interval '15 days' where id = " + old);

    assertTrue(expiry.expire() >= 1);

    assertEquals("DISCARDED", db().postState(old));
    assertEquals("expired", db().scalar("select reason from post where id = ?", old));
    assertEquals("HELD", db().postState(fresh));
    assertEquals(
        "0",
        db().scalar(
                "select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)",
                poster));
    assertFalse(SINK.sink().messages().stream().anyMatch(x -> x.rcpts().contains(poster)));
  }

  @Test
  void aFloodOfHeldPostsFromForgedSendersBringsAtMostTheCapOfNotices() throws Exception {
    String local = "flood" + System.nanoTime();
    // The default policy: members post, anything else is held; the list has an owner to mail.
    long listId = db().list(local, "lists.test", null, "POSTER");
    db().sql(
            "update mailing_list set owners = array['"
                + local
                + "-owner@b.test'] where id = "
                + listId);
    String list = local + "@lists.test";
    int cap = config.requests().maxSystemMailPerSourcePerHour();
    int left = 3;
    int posts = 10;
    // Every test submits from loopback: its share is set to leave room for 3 notices, and put back.
    List<String> loopback = List.of("net:127.0.0.1", "net:0:0:0:0::/64");
    List<String> before = new java.util.ArrayList<>();
    for (String key : loopback) {
      before.add(
          db().scalar(
                  "select coalesce(max(sent), 0) from system_mail_count where source_key = ?"
                      + " and hour = date_trunc('hour', now())",
                  key));
      new TestMail(dataSource).hourlyCount(key, cap - left);
    }
    List<Long> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < posts; i++) {
        held.add(post(list, "forged" + i + "-" + local + "@d" + i + ".test", "Flood " + i));
      }
      notices.scan();
      String ids = held.stream().map(String::valueOf).collect(Collectors.joining(","));
      assertTrue(
          Await.until(WAIT, () -> notifiedAmong(ids) == posts),
          "every post is done with: notified, or its notice skipped");
    } finally {
      for (int i = 0; i < loopback.size(); i++) {
        new TestMail(dataSource).hourlyCount(loopback.get(i), Integer.parseInt(before.get(i)));
      }
    }
    assertEquals(
        String.valueOf(left),
        db().scalar(
                "select count(*) from post where purpose = 'SYSTEM' and list_address = ?"
                    + " and subject like 'Held for moderation%'",
                list),
        "notices up to the cap of the posts' network, none past it");
    for (long id : held) {
      assertEquals("HELD", db().postState(id), "a post whose notice was skipped is still held");
    }
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/{a}/held", list)
        .then()
        .statusCode(200)
        .body(containsString("Flood " + (posts - 1)));
  }

  private int notifiedAmong(String ids) {
    try {
      return Integer.parseInt(
          db().scalar(
                  "select count(*) from post where notified_at is not null and id = any(?::bigint[])",
                  "{" + ids + "}"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
