package org.fanmail.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The web admin's remaining pages over HTTP: a member's bounces and re-enabling, a list's templates
 * edited and reset, DKIM keys created (the TXT record shown, never the private key) and turned off,
 * the sites page with its suspend and resume forms and their bounds.
 */
@QuarkusTest
class AdminPagesTest {
  @Inject DataSource dataSource;

  @Test
  void bouncesOfAMemberAndEnablingAgain() throws Exception {
    TestMail mail = new TestMail(dataSource);
    String list =
        mail.listWithPolicy(TestMail.uniqueAddress("bouncepage"), "B", "OPEN", "HOLD", null);
    long listId = mail.listId(list);
    mail.member(listId, "gone@bounce.test", "DISABLED_BY_BOUNCE", "REGULAR");
    mail.sql(
        "update member set bounce_score = 5, last_bounce_at = now() where email = 'gone@bounce.test'"
            + " and list_id = "
            + listId);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists/" + list + "/bounces")
        .then()
        .statusCode(200)
        .body(containsString("gone@bounce.test"))
        .body(containsString("DISABLED_BY_BOUNCE"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("email", "gone@bounce.test")
        .get("/admin/lists/" + list + "/bounces")
        .then()
        .statusCode(200)
        .body(containsString("Deliver to this member again"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("email", "gone@bounce.test")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/bounces/enable")
        .then()
        .statusCode(303);
    assertEquals(
        "ACTIVE",
        mail.scalar(
            "select status from member where email = 'gone@bounce.test' and list_id = ?", listId));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("email", "nobody@bounce.test")
        .get("/admin/lists/" + list + "/bounces")
        .then()
        .statusCode(404);
  }

  @Test
  void templatesEditedAndReset() throws Exception {
    TestMail mail = new TestMail(dataSource);
    String list = mail.listWithPolicy(TestMail.uniqueAddress("tplpage"), "T", "OPEN", "HOLD", null);
    String page =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .get("/admin/lists/" + list + "/templates")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String name =
        page.replaceAll("(?s).*?action=\"/admin/lists/[^/]+/templates/([a-z-]+)\".*", "$1");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("text", "Hello <there>\r\nsecond line")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/templates/" + name)
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + list + "/templates/" + name)
        .then()
        .statusCode(200)
        .body("text", org.hamcrest.Matchers.equalTo("Hello <there>\nsecond line"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists/" + list + "/templates")
        .then()
        .body(containsString("Hello &lt;there&gt;"))
        .body(containsString("Back to the default"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("text", "   ")
        .post("/admin/lists/" + list + "/templates/" + name)
        .then()
        .statusCode(400)
        .body(containsString("role=\"alert\""));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("reset", "on")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/templates/" + name)
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + list + "/templates/" + name)
        .then()
        .body("custom", org.hamcrest.Matchers.equalTo(false));
  }

  @Test
  void dkimKeysCreatedShownAndDeactivated() {
    String domain = "k" + System.nanoTime() + ".example.test";
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("domain", domain)
        .formParam("selector", "web1")
        .formParam("algorithm", "ED25519_SHA256")
        .redirects()
        .follow(false)
        .post("/admin/dkim")
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/dkim")
        .then()
        .statusCode(200)
        .body(containsString("web1._domainkey." + domain))
        .body(containsString("v=DKIM1; k=ed25519; p="))
        .body(not(containsString("PRIVATE")));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("domain", domain)
        .formParam("selector", "web1")
        .formParam("algorithm", "ED25519_SHA256")
        .post("/admin/dkim")
        .then()
        .statusCode(409);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("domain", domain)
        .formParam("selector", "web1")
        .formParam("active", "false")
        .redirects()
        .follow(false)
        .post("/admin/dkim/active")
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("domain", domain)
        .get("/api/dkim-keys")
        .then()
        .body("[0].active", org.hamcrest.Matchers.equalTo(false));
  }

  @Test
  void sitesPageAndItsBounds() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/sites")
        .then()
        .statusCode(200)
        .body(containsString("<h1>Delivery sites</h1>"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("site", "nowhere")
        .formParam("minutes", "0")
        .post("/admin/sites/suspend")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("site", "no-such-site.test")
        .post("/admin/sites/resume")
        .then()
        .statusCode(404);
  }
}
