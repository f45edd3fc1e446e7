package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The list-level link of a non-personalized list: a form, a confirmation mail with an expiring
 * member link (through system mail and the sink), and every way a token is refused. No admin token
 * is sent anywhere: these pages are public.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class UnsubscribeFormTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern CONFIRM = Pattern.compile("/unsubscribe/([A-Za-z0-9_-]{58})");

  @Inject AgroalDataSource dataSource;
  @Inject FanmailConfig config;

  private TestMail db;
  private SmtpSink sink;
  private LinkTokens tokens;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = SINK.sink();
    tokens = LinkTokens.of(config);
  }

  private String members(String address) throws Exception {
    return db.scalar(
        "select count(*) from member m join mailing_list l on l.id = m.list_id where l.address = ?",
        address);
  }

  @Test
  void theFormMailsAConfirmationAndOnlyItsLinkUnsubscribes() throws Exception {
    String list = PersonalizedDeliveryTest.createList("form", false);
    String member = "form-" + System.nanoTime() + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(member, "other@a.test"), list);
    long id = db.listId(list);
    String path = "/unsubscribe/" + tokens.sign(Purpose.UNSUBSCRIBE_LIST, id, 0, null);

    given()
        .get(path)
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer")
        .body(containsString("name=\"email\""))
        .body(not(containsString("<b>Fans</b>")));
    // A one-click POST on a list-level link cannot know whom to remove: it asks for the address.
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post(path)
        .then()
        .statusCode(400)
        .body(containsString("name=\"email\""));
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("email=not+an+address")
        .post(path)
        .then()
        .statusCode(400)
        .body(containsString("not an email address"));
    assertEquals("2", members(list));

    // A member and a stranger get the same answer; only the member gets mail.
    String stranger = "stranger-" + System.nanoTime() + "@a.test";
    String forMember =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("email", member.toUpperCase())
            .post(path)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String forStranger =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("email", stranger.toUpperCase())
            .post(path)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(
        forMember.replace(member.toUpperCase().replace("@A.TEST", "@a.test"), "X"),
        forStranger.replace(stranger.toUpperCase().replace("@A.TEST", "@a.test"), "X"));
    SmtpSink.Message mail =
        sink.awaitMessage(WAIT, "confirmation mailed", x -> x.rcpts().contains(member));
    assertEquals("2", members(list), "asking removes nobody");
    assertTrue(mail.text().contains("Auto-Submitted: auto-generated"), mail.text());
    assertEquals(list.replace("@", "-bounces@"), mail.mailFrom());
    Matcher m = CONFIRM.matcher(mail.text());
    assertTrue(m.find(), mail.text());
    LinkTokens.Verified v = tokens.verify(m.group(1), Purpose.UNSUBSCRIBE_CONFIRM);
    assertEquals(LinkTokens.Check.VALID, v.check());
    assertTrue(v.token().expiresAt().isAfter(Instant.now()));
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)",
            stranger));
    // Asking again at once sends no second mail (one per member per confirm-interval).
    given()
        .contentType("application/x-www-form-urlencoded")
        .formParam("email", member)
        .post(path)
        .then()
        .statusCode(200);
    assertEquals(
        "1",
        db.scalar(
            "select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)",
            member));

    String confirm = "/unsubscribe/" + m.group(1);
    given().get(confirm).then().statusCode(200).body(containsString(member));
    assertEquals("2", members(list), "GET never unsubscribes");
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post(confirm)
        .then()
        .statusCode(200)
        .body(containsString("no longer subscribed"));
    assertEquals("1", members(list));
    assertEquals(
        "1",
        db.scalar(
            "select count(*) from member m join mailing_list l on l.id = m.list_id"
                + " where l.address = ? and m.email = 'other@a.test'",
            list));
  }

  @Test
  void badTokensAreRefusedWithoutAnError() throws Exception {
    String list = PersonalizedDeliveryTest.createList("bad", false);
    PersonalizedDeliveryTest.addMembers(List.of("keep@a.test"), list);
    long id = db.listId(list);
    long member =
        Long.parseLong(
            db.scalar("select id from member where list_id = ? and email = 'keep@a.test'", id));
    String good = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, id, member, null);
    char last = good.charAt(good.length() - 1);
    String tampered = good.substring(0, good.length() - 1) + (last == 'A' ? 'B' : 'A');
    String foreign =
        new LinkTokens(List.of("another-secret"), Clock.systemUTC())
            .sign(Purpose.UNSUBSCRIBE_MEMBER, id, member, null);
    String expired =
        tokens.sign(
            Purpose.UNSUBSCRIBE_CONFIRM, id, member, Instant.now().minus(Duration.ofMinutes(1)));
    for (String t : List.of(tampered, foreign, "x", "%3Cscript%3E", "A".repeat(200))) {
      given().get("/unsubscribe/" + t).then().statusCode(404).body(containsString("not valid"));
      given()
          .contentType("application/x-www-form-urlencoded")
          .body("List-Unsubscribe=One-Click")
          .post("/unsubscribe/" + t)
          .then()
          .statusCode(404);
    }
    given().get("/unsubscribe/" + expired).then().statusCode(410);
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post("/unsubscribe/" + expired)
        .then()
        .statusCode(410)
        .body(containsString("expired"));
    // A token of another list cannot remove this member, even with the same member id.
    String otherList = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, id + 100_000, member, null);
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .post("/unsubscribe/" + otherList)
        .then()
        .statusCode(200);
    // Bodies are bounded.
    given()
        .contentType("application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click&pad=" + "x".repeat(10_000))
        .post("/unsubscribe/" + good)
        .then()
        .statusCode(413);
    assertEquals("1", members(list), "nothing above removed the member");
    given().get("/unsubscribe/" + good).then().statusCode(200).body(containsString("keep@a.test"));
    given()
        .post("/unsubscribe/" + good)
        .then()
        .statusCode(200)
        .header("X-Frame-Options", equalTo("DENY"));
    assertEquals("0", members(list), "the page's button (a bare POST) unsubscribes");
  }
}
