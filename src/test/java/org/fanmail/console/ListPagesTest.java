package org.fanmail.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The web admin's list pages over HTTP, as a browser without script uses them: the token guards
 * every spelling of {@code /admin}, a list is created and its settings changed through forms (303
 * after each post), refused input is shown on the page with a 4xx, and every value is escaped.
 */
@QuarkusTest
class ListPagesTest {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  @Test
  void everySpellingOfAdminNeedsTheToken() {
    for (String path :
        new String[] {
          "/admin", "/admin/lists", "/ADMIN/lists", "//admin/./lists", "/admin/static/../lists"
        }) {
      given().redirects().follow(false).get(path).then().statusCode(401);
      given()
          .redirects()
          .follow(false)
          .header("Authorization", "Bearer wrong-token-0123456789abcdef0123456789")
          .get(path)
          .then()
          .statusCode(401);
    }
    given()
        .contentType(ContentType.URLENC)
        .formParam("address", "sneaky@lists.test")
        .post("/admin/lists")
        .then()
        .statusCode(401);
    // The style sheet is open: the login page needs it before anyone is signed in.
    given().get("/admin/static/console.css").then().statusCode(200);
  }

  /** The management interface, where the OpenAPI document is served. */
  @TestHTTPResource(value = "/", management = true)
  URL management;

  /** The HTML pages are no part of the REST API the OpenAPI document describes. */
  @Test
  void theOpenApiDocumentLeavesThePagesOut() {
    String doc =
        given()
            .baseUri("http://" + management.getHost())
            .port(management.getPort())
            .get("/q/openapi?format=json")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    org.junit.jupiter.api.Assertions.assertTrue(doc.contains("\"/api/lists\""), "the API is there");
    org.junit.jupiter.api.Assertions.assertFalse(doc.contains("/admin/"), "no /admin page in it");
  }

  @Test
  void pagesCarryTheAdminPolicyAndTheSameHeaders() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/html"))
        .header("Content-Security-Policy", equalTo(CSP))
        .header("X-Frame-Options", equalTo("DENY"))
        .header("Referrer-Policy", equalTo("no-referrer"))
        .header("X-Content-Type-Options", equalTo("nosniff"))
        .header("Cache-Control", equalTo("no-store"))
        .body(containsString("<link rel=\"stylesheet\" href=\"/admin/static/console.css\">"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/static/console.css")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/css"))
        .header("Content-Security-Policy", equalTo(CSP));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/static/console.js")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/javascript"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/static/..%2Fapplication.properties")
        .then()
        .statusCode(404);
  }

  @Test
  void createChangeAndRefuse() {
    String address = "web" + System.nanoTime() + "@lists.test";
    given()
        .header("Authorization", TestSecrets.BEARER)
        .redirects()
        .follow(false)
        .contentType(ContentType.URLENC)
        .formParam("csrf", "")
        .formParam("address", address)
        .formParam("name", "Web <b>list</b>")
        .formParam("owners", "owner1@lists.test\nowner2@lists.test")
        .post("/admin/lists")
        .then()
        .statusCode(303)
        .header("Location", containsString("/admin/lists/" + address));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists/" + address)
        .then()
        .statusCode(200)
        .body(containsString("Web &lt;b&gt;list&lt;/b&gt;"))
        .body(not(containsString("<b>list</b>")))
        .body(containsString("owner1@lists.test\nowner2@lists.test"))
        .body(containsString("name=\"csrf\""));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .redirects()
        .follow(false)
        .contentType(ContentType.URLENC)
        .formParam("name", "Renamed")
        .formParam("description", "about")
        .formParam("postingPolicy", "MODERATED")
        .formParam("nonMemberAction", "REJECT")
        .formParam("subjectPrefix", "[w]")
        .formParam("replyTo", "LIST")
        .formParam("maxMessageSize", "")
        .formParam("personalize", "on")
        .formParam("owners", "owner1@lists.test")
        .formParam("subscriptionPolicy", "OPEN")
        .formParam("unsubscriptionPolicy", "OPEN")
        .formParam("memberAuth", "NONE")
        .post("/admin/lists/" + address)
        .then()
        .statusCode(303)
        .header("Location", containsString("saved=1"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + address)
        .then()
        .statusCode(200)
        .body("name", equalTo("Renamed"))
        .body("postingPolicy", equalTo("MODERATED"))
        .body("nonMemberAction", equalTo("REJECT"))
        .body("subjectPrefix", equalTo("[w]"))
        .body("replyTo", equalTo("LIST"))
        .body("personalize", equalTo(true));
    // Refused input: the page again, with the reason, and nothing changed.
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("postingPolicy", "EVERYBODY")
        .post("/admin/lists/" + address)
        .then()
        .statusCode(400)
        .contentType(startsWith("text/html"))
        .body(containsString("postingPolicy: no such choice"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("address", address)
        .post("/admin/lists")
        .then()
        .statusCode(409)
        .body(containsString("already exists"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("address", "not an address")
        .post("/admin/lists")
        .then()
        .statusCode(400)
        .body(containsString("role=\"alert\""));
    // The lists are paged (the whole suite makes hundreds): the new one is on one of the pages.
    String link = "href=\"/admin/lists/" + address + "\"";
    boolean found = false;
    for (int page = 0; page < 100 && !found; page++) {
      String html =
          given()
              .header("Authorization", TestSecrets.BEARER)
              .queryParam("page", page)
              .get("/admin/lists")
              .then()
              .statusCode(200)
              .extract()
              .asString();
      found = html.contains(link);
      if (!html.contains("?page=" + (page + 1))) {
        break;
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(found, "the new list on the lists pages");
  }
}
