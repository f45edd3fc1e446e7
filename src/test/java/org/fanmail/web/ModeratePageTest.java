package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.moderation.HeldPosts;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The moderation page's credential: only a {@link Purpose#MODERATE} token signed with {@code
 * fanmail.link-secret} (or a secret still listed in {@code previous-link-secrets}) opens it, for
 * the list and post it names. Tokens keyed with the admin token, in the format of the links mailed
 * before the one scheme, for another purpose or another list, or expired, are refused with a 404
 * and decide nothing; a moderation token does not open the unsubscribe page either. The happy path
 * (notice, link, approve) is in {@code moderation.HeldPostNoticeTest}.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ModeratePageTest {
  private static final String ADMIN_TOKEN = TestSecrets.ADMIN_TOKEN;

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer smtp;
  @Inject FanmailConfig config;
  @Inject HeldPosts held;

  private LinkTokens tokens;
  private long listId;
  private long post;
  private final Instant inAnHour = Instant.now().plus(Duration.ofHours(1));

  private TestMail db() {
    return new TestMail(dataSource);
  }

  /** A moderated list with one member and one held post. */
  @BeforeEach
  void heldPost() throws Exception {
    tokens = LinkTokens.of(config);
    String local = "page" + System.nanoTime();
    listId = db().list(local, "lists.test", null, "POSTER");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update mailing_list set posting_policy = 'MODERATED' where id = ?")) {
      ps.setLong(1, listId);
      ps.executeUpdate();
    }
    db().member(listId, local + "-reader@c.test", "ACTIVE", "REGULAR");
    String list = local + "@lists.test";
    String poster = local + "-poster@d.test";
    byte[] msg =
        ("From: "
                + poster
                + "\r\nTo: "
                + list
                + "\r\nSubject: Held for the page test\r\nMessage-ID: <"
                + TestMail.uniqueId()
                + ">\r\n\r\nHello.\r\n")
            .getBytes(StandardCharsets.UTF_8);
    post = TestMail.submit(smtp.port(), poster, list, msg);
    assertEquals("HELD", db().postState(post));
  }

  private static void refused(String token) {
    given().get("/moderate/{t}", token).then().statusCode(404);
    given().formParam("action", "approve").post("/moderate/{t}", token).then().statusCode(404);
    given().formParam("action", "discard").post("/moderate/{t}", token).then().statusCode(404);
  }

  @Test
  void theConfiguredSecretOpensThePage() {
    String token = tokens.sign(Purpose.MODERATE, listId, post, inAnHour);
    given()
        .get("/moderate/{t}", token)
        .then()
        .statusCode(200)
        .body(containsString("Held for the page test"));
  }

  @Test
  void aModerateTokenKeyedWithTheAdminTokenIsRefused() throws Exception {
    // The scheme with the admin token as its secret (what links were keyed with when
    // fanmail.link-secret was unset)...
    LinkTokens adminKeyed = new LinkTokens(List.of(ADMIN_TOKEN), Clock.systemUTC());
    refused(adminKeyed.sign(Purpose.MODERATE, listId, post, inAnHour));
    // ...and the format of the moderation links mailed before the one scheme, with the admin
    // token as the raw HMAC key: a genuine old link of this post, refused after the upgrade.
    long exp = inAnHour.getEpochSecond();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest =
        mac.doFinal(("moderate\n" + post + "\n" + exp).getBytes(StandardCharsets.UTF_8));
    String old =
        post
            + "."
            + exp
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    refused(old);
    assertEquals("HELD", db().postState(post), "nothing decided");
  }

  @Test
  void aTokenOfAnotherPurposeIsRefused() throws Exception {
    refused(tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, listId, post, null));
    refused(tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, listId, post, inAnHour));
    refused(tokens.sign(Purpose.UNSUBSCRIBE_LIST, listId, 0, null));
    assertEquals("HELD", db().postState(post), "nothing decided");
  }

  @Test
  void aTokenNamingAnotherListOrExpiredIsRefused() throws Exception {
    refused(tokens.sign(Purpose.MODERATE, listId + 1_000_000, post, inAnHour));
    refused(tokens.sign(Purpose.MODERATE, listId, post, Instant.now().minusSeconds(1)));
    refused(tokens.sign(Purpose.MODERATE, listId, post + 1_000_000, inAnHour));
    assertEquals("HELD", db().postState(post), "nothing decided");
  }

  @Test
  void aModerateTokenDoesNotUnsubscribe() throws Exception {
    // Its subject id is a post; read as a member id it would name somebody else's membership.
    long member =
        Long.parseLong(db().scalar("select min(id) from member where list_id = ?", listId));
    String token = tokens.sign(Purpose.MODERATE, listId, member, inAnHour);
    given().get("/unsubscribe/{t}", token).then().statusCode(404);
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post("/unsubscribe/{t}", token)
        .then()
        .statusCode(404);
    assertEquals(
        "1", db().scalar("select count(*) from member where id = ?", member), "still a member");
  }

  @Test
  void aTokenOfARotatedOutSecretWorksWhileListed() throws Exception {
    String current = "current-link-secret-0123456789abcdef0123";
    String old = "rotated-out-link-secret-0123456789abcdef";
    String token =
        new LinkTokens(List.of(old), Clock.systemUTC())
            .sign(Purpose.MODERATE, listId, post, inAnHour);
    ModeratePageResource listed =
        new ModeratePageResource(new LinkTokens(List.of(current, old), Clock.systemUTC()), held);
    assertEquals(200, listed.show(token).getStatus(), "the old secret is still listed");
    ModeratePageResource dropped =
        new ModeratePageResource(new LinkTokens(List.of(current), Clock.systemUTC()), held);
    assertEquals(404, dropped.show(token).getStatus(), "no longer listed");
    assertEquals(404, dropped.decide(token, "approve").getStatus());
    assertEquals("HELD", db().postState(post));
    assertEquals(200, listed.decide(token, "discard").getStatus());
    assertEquals("DISCARDED", db().postState(post), "the listed old secret decides");
  }
}
