package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Every public page (unsubscribe, confirm, moderate; shown, posted, valid token or not) carries the
 * same security headers: not framed, not cached, no referrer (the token is in the URL), no
 * sniffing, a policy that loads nothing. The admin API keeps its own headers.
 */
@QuarkusTest
class PublicPageHeadersTest {
  @Inject FanmailConfig config;
  @Inject DataSource dataSource;

  private static void secured(ValidatableResponse r) {
    r.header("X-Frame-Options", equalTo("DENY"))
        .header("Content-Security-Policy", equalTo(PublicPageHeaders.CONTENT_SECURITY_POLICY))
        .header("Referrer-Policy", equalTo("no-referrer"))
        .header("X-Content-Type-Options", equalTo("nosniff"))
        .header("Cache-Control", equalTo("no-store"));
  }

  @Test
  void everyPublicPathShownOrPostedWithABadToken() {
    for (String page : new String[] {"/unsubscribe/x", "/confirm/x", "/moderate/x"}) {
      secured(given().get(page).then());
      secured(given().formParam("action", "approve").post(page).then());
    }
  }

  @Test
  void validPagesToo() throws Exception {
    LinkTokens tokens = LinkTokens.of(config);
    long listId =
        new TestMail(dataSource).list("hdr" + System.nanoTime(), "lists.test", null, "POSTER");
    Instant later = Instant.now().plus(Duration.ofHours(1));
    secured(
        given()
            .get("/unsubscribe/{t}", tokens.sign(Purpose.UNSUBSCRIBE_LIST, listId, 0, null))
            .then()
            .statusCode(200));
    // A MODERATE token of a post that is not held still reaches the page's own answer.
    secured(given().get("/moderate/{t}", tokens.sign(Purpose.MODERATE, listId, 1, later)).then());
  }

  @Test
  void theAdminApiIsLeftAlone() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists")
        .then()
        .statusCode(200)
        .header("Content-Security-Policy", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void apiInAnySpellingIsTheAdminApi() {
    assertTrue(PublicPageHeaders.isAdminApi("/api/lists"));
    assertTrue(PublicPageHeaders.isAdminApi("//API;x=1/lists"));
    assertTrue(PublicPageHeaders.isAdminApi("api"));
    assertFalse(PublicPageHeaders.isAdminApi("/unsubscribe/api"));
    assertFalse(PublicPageHeaders.isAdminApi("/apis"));
    assertFalse(PublicPageHeaders.isAdminApi(null));
  }
}
