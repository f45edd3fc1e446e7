package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The public list page and the member's manage page, end to end against the real database and a
 * real SMTP sink: a list shows only when advertised, hostile names are escaped, a subscription from
 * the page is confirmed through the mailed {@code /confirm/} link (even on an OPEN list), the
 * manage link reaches only members, and the manage page changes the mode, the own-posts setting and
 * membership on POST only. Members and strangers get the same answers. No admin token is sent to
 * any page.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ListPagesTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern CONFIRM = Pattern.compile("/confirm/([a-z2-7]{20,40})");
  private static final Pattern MANAGE = Pattern.compile("/manage/([A-Za-z0-9_-]{58})");
  private static final String FORM = "application/x-www-form-urlencoded";

  @Inject AgroalDataSource dataSource;
  @Inject FanmailConfig config;
  @Inject jakarta.enterprise.event.Event<PostCommitted> committed;

  private TestMail db;
  private SmtpSink sink;
  private LinkTokens tokens;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    sink = SINK.sink();
    tokens = LinkTokens.of(config);
  }

  private static String advertisedList(String local) {
    return AdminApi.createList(
        AdminApi.uniqueAddress(local, "lists.test"),
        "\"name\":\"<script>alert(1)</script> & co\","
            + "\"description\":\"<img src=x onerror=alert(2)> about \\\"things\\\"\","
            + "\"subscriptionPolicy\":\"OPEN\",\"advertised\":true");
  }

  private String memberCount(String list) throws Exception {
    return db.scalar(
        "select count(*) from member m join mailing_list l on l.id = m.list_id where l.address = ?",
        list);
  }

  private String systemMailTo(String email) throws Exception {
    return db.scalar(
        "select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)", email);
  }

  @Test
  void onlyAdvertisedListsHaveAPageAndItEscapesWhatOwnersWrote() {
    String hidden = AdminApi.createList(AdminApi.uniqueAddress("hidden", "lists.test"), "");
    String unknownBody =
        given()
            .get("/lists/nobody-" + System.nanoTime() + "@lists.test")
            .then()
            .statusCode(404)
            .extract()
            .asString();
    String hiddenBody = given().get("/lists/" + hidden).then().statusCode(404).extract().asString();
    assertEquals(unknownBody, hiddenBody, "a list not advertised is not told apart from none");

    String list = advertisedList("page");
    String page =
        given()
            .get("/lists/" + list.toUpperCase())
            .then()
            .statusCode(200)
            .header("Content-Security-Policy", containsString("default-src 'none'"))
            .header("X-Frame-Options", "DENY")
            .header("Cache-Control", "no-store")
            .header("Referrer-Policy", "no-referrer")
            .body(containsString("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
            .body(containsString("&lt;img src=x onerror=alert(2)&gt; about &quot;things&quot;"))
            .body(containsString("action=\"/lists/" + list + "/subscribe\""))
            .body(containsString("action=\"/lists/" + list + "/manage\""))
            .body(not(containsString("<script>")))
            .body(not(containsString("<img")))
            .extract()
            .asString();
    assertFalse(page.contains("/archive\""), "a PRIVATE archive is not linked");
    AdminApi.api()
        .body("{\"archive\":\"PUBLIC\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body(containsString("\"archive\":\"PUBLIC\""))
        .body(containsString("\"advertised\":true"));
    given().get("/lists/" + list).then().statusCode(200).body(containsString("/archive\""));
    AdminApi.api()
        .body("{\"archive\":\"OPEN\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(400);
    AdminApi.api().body("{\"advertised\":null}").patch("/api/lists/" + list).then().statusCode(400);
  }

  @Test
  void aSubscriptionFromThePageIsConfirmedByTheMailedLink() throws Exception {
    String list = advertisedList("sub");
    String member = "sub-member-" + System.nanoTime() + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(member), list);
    String stranger = "sub-new-" + System.nanoTime() + "@a.test";

    given()
        .contentType(FORM)
        .formParam("email", "not an address")
        .post("/lists/" + list + "/subscribe")
        .then()
        .statusCode(400)
        .body(containsString("not an email address"));
    given()
        .contentType(FORM)
        .body("email=" + "x".repeat(5000))
        .post("/lists/" + list + "/subscribe")
        .then()
        .statusCode(413);

    given()
        .contentType(FORM)
        .formParam("email", stranger)
        .formParam("name", "Two\r\nLines")
        .post("/lists/" + list + "/subscribe")
        .then()
        .statusCode(400)
        .body(containsString("one line"));
    String forStranger =
        given()
            .contentType(FORM)
            .formParam("email", stranger)
            .formParam("name", "Ann <b>Example</b>")
            .post("/lists/" + list + "/subscribe")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String forMember =
        given()
            .contentType(FORM)
            .formParam("email", member)
            .post("/lists/" + list + "/subscribe")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(forStranger.replace(stranger, "X"), forMember.replace(member, "X"));
    assertEquals("1", memberCount(list), "an OPEN list still waits for the address to confirm");

    SmtpSink.Message mail =
        sink.awaitMessage(WAIT, "confirmation mailed", m -> m.rcpts().contains(stranger));
    Matcher m = CONFIRM.matcher(mail.text());
    assertTrue(m.find(), mail.text());
    assertEquals("0", systemMailTo(member), "a member asking again gets no mail");

    given().get("/confirm/" + m.group(1)).then().statusCode(200);
    assertEquals("1", memberCount(list), "GET confirms nothing");
    given().post("/confirm/" + m.group(1)).then().statusCode(200);
    assertEquals("2", memberCount(list));
    assertEquals(
        "1",
        db.scalar(
            "select count(*) from subscription_request where email = ? and source = 'web'"
                + " and state = 'DONE'",
            stranger));
    assertEquals(
        "Ann <b>Example</b>",
        db.scalar("select name from member where email = ?", stranger),
        "the typed name becomes the member's");
  }

  @Test
  void theManageLinkReachesOnlyMembersAndItsPageChangesOnlyOnPost() throws Exception {
    String list = advertisedList("manage");
    String member = "manage-member-" + System.nanoTime() + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(member), list);
    String stranger = "manage-stranger-" + System.nanoTime() + "@a.test";
    long listId = db.listId(list);

    String forMember =
        given()
            .contentType(FORM)
            .formParam("email", member.toUpperCase())
            .post("/lists/" + list + "/manage")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String forStranger =
        given()
            .contentType(FORM)
            .formParam("email", stranger)
            .post("/lists/" + list + "/manage")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(
        forMember.replace(member.toUpperCase().replace("@A.TEST", "@a.test"), "X"),
        forStranger.replace(stranger, "X"));
    SmtpSink.Message mail =
        sink.awaitMessage(WAIT, "manage link mailed", x -> x.rcpts().contains(member));
    assertEquals("0", systemMailTo(stranger));
    Matcher m = MANAGE.matcher(mail.text());
    assertTrue(m.find(), mail.text());
    String path = "/manage/" + m.group(1);
    LinkTokens.Verified v = tokens.verify(m.group(1), Purpose.MANAGE);
    assertEquals(LinkTokens.Check.VALID, v.check());
    assertTrue(v.token().expiresAt().isAfter(Instant.now()));

    given()
        .get(path)
        .then()
        .statusCode(200)
        .body(containsString(member))
        .body(containsString("value=\"DIGEST_PLAIN\""));
    String column = "select %s from member where list_id = ? and email = '" + member + "'";
    assertEquals("REGULAR", db.scalar(column.formatted("delivery_mode"), listId));

    given()
        .contentType(FORM)
        .formParam("action", "mode")
        .formParam("mode", "SOMETIMES")
        .post(path)
        .then()
        .statusCode(400);
    given()
        .contentType(FORM)
        .formParam("action", "mode")
        .formParam("mode", "DIGEST_PLAIN")
        .post(path)
        .then()
        .statusCode(200)
        .body(containsString("Saved"));
    assertEquals("DIGEST_PLAIN", db.scalar(column.formatted("delivery_mode"), listId));
    given().contentType(FORM).formParam("action", "own").post(path).then().statusCode(200);
    assertEquals("f", db.scalar(column.formatted("receive_own_posts"), listId));
    given()
        .contentType(FORM)
        .formParam("action", "own")
        .formParam("receiveOwnPosts", "yes")
        .post(path)
        .then()
        .statusCode(200);
    assertEquals("t", db.scalar(column.formatted("receive_own_posts"), listId));

    given()
        .contentType(FORM)
        .formParam("action", "leave")
        .post(path)
        .then()
        .statusCode(200)
        .body(containsString("not subscribed"));
    assertEquals("0", memberCount(list));
    given().get(path).then().statusCode(200).body(containsString("not subscribed"));
  }

  @Test
  void badManageTokensAreRefused() throws Exception {
    String list = advertisedList("badmanage");
    String member = "bad-" + System.nanoTime() + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(member), list);
    long listId = db.listId(list);
    long memberId =
        Long.parseLong(
            db.scalar(
                "select id from member where list_id = ? and email = '" + member + "'", listId));
    String otherPurpose = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, listId, memberId, null);
    String expired =
        tokens.sign(Purpose.MANAGE, listId, memberId, Instant.now().minus(Duration.ofMinutes(1)));
    for (String t : List.of(otherPurpose, "x", "A".repeat(200), "%3Cscript%3E")) {
      given().get("/manage/" + t).then().statusCode(404);
      given()
          .contentType(FORM)
          .formParam("action", "leave")
          .post("/manage/" + t)
          .then()
          .statusCode(404);
    }
    given().get("/manage/" + expired).then().statusCode(410);
    given()
        .contentType(FORM)
        .formParam("action", "leave")
        .post("/manage/" + expired)
        .then()
        .statusCode(410);
    assertEquals("1", memberCount(list));
  }

  @Test
  void copiesNameTheArchiveOnlyWhenItsReadersMayOpenIt() throws Exception {
    String shown =
        AdminApi.createList(
            AdminApi.uniqueAddress("shown", "lists.test"),
            "\"postingPolicy\":\"OPEN\",\"archive\":\"MEMBERS\"");
    String hidden =
        AdminApi.createList(
            AdminApi.uniqueAddress("hidden", "lists.test"), "\"postingPolicy\":\"OPEN\"");
    String reader = "reader-" + System.nanoTime() + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(reader), shown);
    PersonalizedDeliveryTest.addMembers(List.of(reader), hidden);
    for (String list : List.of(shown, hidden)) {
      String id = TestMail.uniqueId();
      long post =
          db.acceptedPost(
              db.listId(list),
              list,
              TestMail.message(id, list, "Archived?", "body\r\n"),
              Instant.now());
      committed.fire(new PostCommitted(List.of(post)));
      SmtpSink.Message copy =
          sink.awaitMessage(
              WAIT, "copy of " + list, x -> x.rcpts().contains(reader) && x.text().contains(id));
      String archive = "/lists/" + list + "/archive>";
      if (list.equals(shown)) {
        assertTrue(copy.text().contains("List-Archive: <"), copy.text());
        assertTrue(copy.text().contains(archive), copy.text());
      } else {
        assertFalse(copy.text().contains("List-Archive"), copy.text());
      }
    }
  }
}
