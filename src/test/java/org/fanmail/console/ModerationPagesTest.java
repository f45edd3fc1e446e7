package org.fanmail.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import javax.sql.DataSource;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The moderation pages over HTTP: the queue lists held posts, a post's page shows its text escaped
 * (a post full of HTML is shown, never rendered), and approve, reject with a reason and discard
 * move it on; a second verdict on a decided post is a 409 on the page, a post of another list a
 * 404. After approval the moderator lands on the post's delivery page.
 */
@QuarkusTest
class ModerationPagesTest {
  @Inject DataSource dataSource;

  @Test
  void readApproveAndFollowTheDelivery() throws Exception {
    TestMail mail = new TestMail(dataSource);
    String list =
        mail.listWithPolicy(TestMail.uniqueAddress("modpage"), "Mod", "MEMBERS", "HOLD", null);
    long id = mail.held(list, "<img src=x onerror=alert(1)> hello");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/moderation")
        .then()
        .statusCode(200)
        .body(containsString("/admin/lists/" + list + "/held/" + id))
        .body(containsString("&lt;img src=x onerror=alert(1)&gt; hello"))
        .body(not(containsString("<img src=x")));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists/" + list + "/held/" + id)
        .then()
        .statusCode(200)
        .body(containsString("<pre class=\"message\""))
        .body(containsString("Subject: &lt;img src=x"))
        .body(containsString("/held/" + id + "/approve"))
        .body(not(containsString("<img src=x")));
    String location =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .contentType(ContentType.URLENC)
            .formParam("csrf", "")
            .redirects()
            .follow(false)
            .post("/admin/lists/" + list + "/held/" + id + "/approve")
            .then()
            .statusCode(303)
            .extract()
            .header("Location");
    assertEquals("/admin/posts/" + id, location.substring(location.indexOf("/admin/")));
    Await.value(
        Duration.ofSeconds(30),
        () -> "post " + id + " left ACCEPTED",
        () -> mail.postState(id),
        s -> !s.equals("HELD"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/posts/" + id)
        .then()
        .statusCode(200)
        .body(containsString("By destination host"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/posts/" + id + "/status")
        .then()
        .statusCode(200)
        .body("id", org.hamcrest.Matchers.equalTo((int) id));
    // Decided already: the page says so, nothing changes.
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .post("/admin/lists/" + list + "/held/" + id + "/discard")
        .then()
        .statusCode(409)
        .body(containsString("already decided"));
  }

  @Test
  void rejectWithAReasonAndDiscard() throws Exception {
    TestMail mail = new TestMail(dataSource);
    String list =
        mail.listWithPolicy(TestMail.uniqueAddress("modpage"), "Mod", "MEMBERS", "HOLD", null);
    String other =
        mail.listWithPolicy(TestMail.uniqueAddress("modother"), "Other", "MEMBERS", "HOLD", null);
    long rejected = mail.held(list, "to reject");
    long discarded = mail.held(list, "to discard");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("reason", "x".repeat(1001))
        .post("/admin/lists/" + list + "/held/" + rejected + "/reject")
        .then()
        .statusCode(400)
        .body(containsString("limited to 1000"));
    assertEquals("HELD", mail.postState(rejected));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("reason", "off topic")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/held/" + rejected + "/reject")
        .then()
        .statusCode(303);
    assertEquals("REJECTED", mail.postState(rejected));
    assertEquals("off topic", mail.scalar("select reason from post where id = ?", rejected));
    // The post is not on the other list: 404 there, whatever the verdict.
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .post("/admin/lists/" + other + "/held/" + discarded + "/discard")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/held/" + discarded + "/discard")
        .then()
        .statusCode(303);
    assertEquals("DISCARDED", mail.postState(discarded));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .post("/admin/lists/" + list + "/held/" + discarded + "/sideways")
        .then()
        .statusCode(404);
  }
}
