package org.fanmail.account;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;

/**
 * The OpenID Connect login against a real provider on loopback ({@link TestOpenIdProvider}): the
 * authorization code flow is followed by hand, redirect by redirect, carrying cookies as a browser
 * would. A verified email of an existing account ends in fanmail's own session cookie, which opens
 * the web admin; an unknown email, {@code email_verified=false} or a token signed by a key the
 * provider does not publish end without one. {@code /api} bearer tokens work as before.
 */
@QuarkusTest
@TestProfile(OidcLoginTest.WithProvider.class)
class OidcLoginTest {

  /** OIDC on, pointed at the test provider. */
  public static class WithProvider implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(TestOpenIdProvider.class));
    }
  }

  /** Where a login by hand ended: the last answer and the cookies held then. */
  record Outcome(Response last, Map<String, String> cookies, List<String> visited) {}

  private static Outcome login(
      String email, Boolean verified, RsaJsonWebKey signer, String startPath) {
    TestOpenIdProvider.nextLogin = new TestOpenIdProvider.Login(email, verified, signer);
    Map<String, String> jar = new LinkedHashMap<>();
    List<String> visited = new ArrayList<>();
    String url = RestAssured.baseURI + ":" + RestAssured.port + startPath;
    Response r = null;
    for (int hop = 0; hop < 10; hop++) {
      visited.add(url);
      boolean fanmail = url.startsWith(RestAssured.baseURI + ":" + RestAssured.port);
      r =
          given()
              .config(
                  RestAssuredConfig.config()
                      .redirect(RedirectConfig.redirectConfig().followRedirects(false)))
              .urlEncodingEnabled(false)
              .header("Accept", "text/html")
              .cookies(fanmail ? jar : Map.of())
              .get(url);
      if (fanmail) {
        for (Cookie c : r.getDetailedCookies().asList()) {
          if (c.getValue() == null || c.getValue().isEmpty() || c.getMaxAge() == 0) {
            jar.remove(c.getName());
          } else {
            jar.put(c.getName(), c.getValue());
          }
        }
      }
      int status = r.getStatusCode();
      if (status != 302 && status != 303 && status != 307) {
        break;
      }
      String location = r.getHeader("Location");
      url =
          location.startsWith("http")
              ? location
              : RestAssured.baseURI + ":" + RestAssured.port + location;
    }
    return new Outcome(r, jar, visited);
  }

  @Test
  void aVerifiedEmailOfAnAccountOpensAFanmailSession() {
    String email = uniqueEmail("oidc");
    createUser(email, "ADMIN");
    Outcome o = login(email, true, TestOpenIdProvider.KEY, "/admin/oidc/login?next=/admin/lists");
    assertTrue(
        o.visited().stream().anyMatch(u -> u.contains("/authorize?")),
        "went through the provider: " + o.visited());
    assertEquals(200, o.last().getStatusCode(), o.last().asString());
    o.last()
        .then()
        .body(containsString("url=/admin/lists\""))
        .body(containsString("href=\"/admin/lists\""));
    String session = o.cookies().get(LoginResource.COOKIE);
    assertTrue(session != null && session.length() > 20, "session cookie: " + o.cookies());
    Cookie set = o.last().getDetailedCookie(LoginResource.COOKIE);
    assertTrue(set.isHttpOnly());
    assertEquals("/admin", set.getPath());
    assertFalse(o.cookies().containsKey("q_session"), "quarkus-oidc's own session is dropped");

    given()
        .redirects()
        .follow(false)
        .header("Accept", "text/html")
        .cookie(LoginResource.COOKIE, session)
        .get("/admin/lists")
        .then()
        .statusCode(200);
  }

  @Test
  void anEmailWithoutTheVerifiedClaimIsTakenAsGivenAndNextStaysLocal() {
    String email = uniqueEmail("oidc-plain");
    createUser(email, "MODERATOR");
    Outcome o =
        login(
            email,
            null,
            TestOpenIdProvider.KEY,
            "/admin/oidc/login?next=https%3A%2F%2Fevil.example%2Fadmin%2F");
    assertEquals(200, o.last().getStatusCode(), o.last().asString());
    // An off-site next is not followed: the local start page instead.
    o.last().then().body(containsString("url=/admin/\"")).body(not(containsString("evil")));
    assertTrue(o.cookies().containsKey(LoginResource.COOKIE));
  }

  @Test
  void anUnknownEmailGetsNoSessionAndNoAccount() {
    String email = uniqueEmail("oidc-nobody");
    Outcome o = login(email, true, TestOpenIdProvider.KEY, "/admin/oidc/login");
    assertEquals(403, o.last().getStatusCode(), o.last().asString());
    o.last().then().body(containsString("No fanmail account"));
    assertFalse(o.cookies().containsKey(LoginResource.COOKIE));
    api().get("/api/users/" + email).then().statusCode(404);
  }

  @Test
  void anUnverifiedEmailIsRefused() {
    String email = uniqueEmail("oidc-unverified");
    createUser(email, "ADMIN");
    Outcome o = login(email, false, TestOpenIdProvider.KEY, "/admin/oidc/login");
    assertEquals(403, o.last().getStatusCode(), o.last().asString());
    assertFalse(o.cookies().containsKey(LoginResource.COOKIE));
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefusedByQuarkusOidc() {
    String email = uniqueEmail("oidc-forged");
    createUser(email, "ADMIN");
    Outcome o = login(email, true, TestOpenIdProvider.FOREIGN_KEY, "/admin/oidc/login");
    assertEquals(401, o.last().getStatusCode(), o.visited() + " " + o.last().asString());
    assertFalse(o.cookies().containsKey(LoginResource.COOKIE));
  }

  @Test
  void theLoginPageLinksToTheProvider() {
    given()
        .get("/admin/login?next=/admin/lists")
        .then()
        .statusCode(200)
        .body(containsString("href=\"/admin/oidc/login?next=%2Fadmin%2Flists\""))
        .body(containsString("Log in with your identity provider"));
  }

  @Test
  void bearerTokensAndPublicPagesDoNotMeetTheCodeFlow() {
    api().get("/api/lists").then().statusCode(200);
    given().get("/api/lists").then().statusCode(401);
    given()
        .redirects()
        .follow(false)
        .header("Accept", "text/html")
        .get("/admin/lists")
        .then()
        .statusCode(303)
        .header("Location", containsString("/admin/login?next="));
  }
}
