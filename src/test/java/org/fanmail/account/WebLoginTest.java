package org.fanmail.account;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Web admin login: the form, sessions as cookies (HttpOnly, SameSite=Strict, Path=/admin) kept as
 * digests in the database, the redirect of a browser without a session, 401 for other clients, the
 * CSRF token on every unsafe request with a session, logout, expiry, attempt limits with one
 * generic error text, and local-only {@code next} targets.
 */
@QuarkusTest
class WebLoginTest {
  private static final String PROBE = "/admin/accounts-probe";
  private static final String PASSWORD = "a long enough password 42";

  @Inject AgroalDataSource dataSource;

  /**
   * Failures from loopback count against one network for every test of the suite (and, with a
   * shared TEST_PG_URL database, of earlier runs): each test starts from none.
   */
  @org.junit.jupiter.api.BeforeEach
  void noFailuresFromLoopback() throws Exception {
    new TestMail(dataSource).sql("delete from login_failure where key like 'network:%'");
  }

  private static RequestSpecification browser() {
    return given()
        .config(
            RestAssuredConfig.config()
                .redirect(RedirectConfig.redirectConfig().followRedirects(false)));
  }

  private String account() {
    String email = uniqueEmail("web");
    createUser(email, "LIST_OWNER");
    api()
        .body("{\"password\":\"" + PASSWORD + "\"}")
        .put("/api/users/" + email + "/password")
        .then()
        .statusCode(204);
    return email;
  }

  private static Response login(String email, String password, String next) {
    return browser()
        .formParam("email", email)
        .formParam("password", password)
        .formParam("next", next)
        .post("/admin/login");
  }

  @Test
  void theFormIsServedToEveryone() {
    browser()
        .get("/admin/login?next=/admin/lists")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
        .body(containsString("<label for=\"password\">"))
        .body(containsString("value=\"/admin/lists\""));
    browser()
        .get("/admin/login?next=\"><script>")
        .then()
        .statusCode(200)
        .body(not(containsString("<script>")));
  }

  @Test
  void withoutASessionBrowsersAreSentToTheLoginAndOthersGet401() {
    browser()
        .accept("text/html")
        .get(PROBE + "?x=1")
        .then()
        .statusCode(303)
        .header("Location", containsString("/admin/login?next=%2Fadmin%2Faccounts-probe%3Fx%3D1"));
    browser()
        .accept("application/json")
        .get(PROBE)
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    browser().cookie("fanmail_session", "made-up").get(PROBE).then().statusCode(401);
    browser().formParam("value", "v").post(PROBE).then().statusCode(401);
  }

  @Test
  void aLoginOpensASessionAndUnsafeRequestsNeedItsCsrfToken() throws Exception {
    String email = account();
    Response ok = login(email.toUpperCase(), PASSWORD, "/admin/accounts-probe");
    assertEquals(303, ok.statusCode(), ok.asString());
    assertTrue(ok.header("Location").endsWith("/admin/accounts-probe"), ok.header("Location"));
    String setCookie = ok.header("Set-Cookie");
    assertTrue(setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
    assertTrue(setCookie.contains("Path=/admin"), setCookie);
    assertFalse(setCookie.contains("Secure"), "plain HTTP: " + setCookie);
    String session = ok.getCookie("fanmail_session");
    TestMail rows = new TestMail(dataSource);
    assertEquals(
        "1",
        rows.scalar(
            "select count(*) from web_session where id_hash = sha256(convert_to(?, 'UTF8'))",
            session));
    assertEquals(
        "0",
        rows.scalar(
            "select count(*) from web_session where position(convert_to(?, 'UTF8') in id_hash) > 0",
            session));

    String[] shown =
        browser()
            .cookie("fanmail_session", session)
            .get(PROBE)
            .then()
            .statusCode(200)
            .extract()
            .asString()
            .split(" ");
    assertEquals(email.toLowerCase(), shown[0]);
    String csrf = shown[1];
    assertEquals(WebSessions.csrfToken(session), csrf);

    browser()
        .cookie("fanmail_session", session)
        .formParam("value", "a")
        .post(PROBE)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:fanmail:problem:csrf"));
    browser()
        .cookie("fanmail_session", session)
        .header("X-CSRF-Token", "wrong")
        .formParam("value", "a")
        .post(PROBE)
        .then()
        .statusCode(403);
    browser()
        .cookie("fanmail_session", session)
        .header("X-CSRF-Token", csrf)
        .formParam("value", "a")
        .post(PROBE)
        .then()
        .statusCode(200)
        .body(equalTo("changed a by " + email.toLowerCase()));
    // The field in the form: read for the check, and still there for the page.
    browser()
        .cookie("fanmail_session", session)
        .formParam("csrf", csrf)
        .formParam("value", "b")
        .post(PROBE)
        .then()
        .statusCode(200)
        .body(equalTo("changed b by " + email.toLowerCase()));

    // Changes through the web admin are audited under the account, without the CSRF token.
    assertEquals(
        "2",
        rows.scalar(
            "select count(*) from audit where actor = ? and action = 'POST /admin/accounts-probe'",
            email.toLowerCase()));
    assertEquals(
        "0",
        rows.scalar("select count(*) from audit where details::text like '%' || ? || '%'", csrf));

    // The bootstrap token works on /admin too, and needs no CSRF token.
    browser()
        .header("Authorization", TestSecrets.BEARER)
        .formParam("value", "c")
        .post(PROBE)
        .then()
        .statusCode(200)
        .body(equalTo("changed c by admin-token"));

    // Logout needs the token too; then the cookie is worth nothing.
    browser().cookie("fanmail_session", session).post("/admin/logout").then().statusCode(403);
    Response out =
        browser().cookie("fanmail_session", session).formParam("csrf", csrf).post("/admin/logout");
    assertEquals(303, out.statusCode());
    assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
    browser().cookie("fanmail_session", session).get(PROBE).then().statusCode(401);
  }

  @Test
  void expiredSessionsAndDeletedAccountsEndTheLogin() throws Exception {
    String email = account();
    String s1 = login(email, PASSWORD, "/admin/").getCookie("fanmail_session");
    String s2 = login(email, PASSWORD, "/admin/").getCookie("fanmail_session");
    browser().cookie("fanmail_session", s1).get(PROBE).then().statusCode(200);
    new TestMail(dataSource)
        .sql(
            "update web_session set expires_at = now() - interval '1 second'"
                + " where id_hash = sha256(convert_to('"
                + s1
                + "', 'UTF8'))");
    browser().cookie("fanmail_session", s1).get(PROBE).then().statusCode(401);
    browser().cookie("fanmail_session", s2).get(PROBE).then().statusCode(200);
    api().delete("/api/users/" + email).then().statusCode(204);
    browser().cookie("fanmail_session", s2).get(PROBE).then().statusCode(401);
    // A new password ends the sessions opened with the old one.
    String other = account();
    String s3 = login(other, PASSWORD, "/admin/").getCookie("fanmail_session");
    browser().cookie("fanmail_session", s3).get(PROBE).then().statusCode(200);
    api()
        .body("{\"password\":\"" + PASSWORD + " new\"}")
        .put("/api/users/" + other + "/password")
        .then()
        .statusCode(204);
    browser().cookie("fanmail_session", s3).get(PROBE).then().statusCode(401);
  }

  @Test
  void failuresLookAlikeAndAreLimitedPerAccount() {
    String email = account();
    String wrong =
        login(email, "not the password at all", "/admin/")
            .then()
            .statusCode(401)
            .extract()
            .asString();
    String unknown =
        login("nobody-" + email, PASSWORD, "/admin/").then().statusCode(401).extract().asString();
    assertEquals(wrong, unknown);
    assertTrue(wrong.contains("Login failed"), wrong);
    for (int i = 1; i < 10; i++) {
      login(email, "wrong password number " + i, "/admin/").then().statusCode(401);
    }
    // Ten failures within the window: even the right password is not checked now.
    login(email, PASSWORD, "/admin/")
        .then()
        .statusCode(429)
        .body(containsString("Login failed"))
        .header("Set-Cookie", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void failuresAreLimitedPerClientNetworkAcrossAccounts() throws Exception {
    String email = account();
    // 30 failures from this network within the window, as other instances would have counted.
    new TestMail(dataSource)
        .sql(
            "insert into login_failure (key) select 'network:127.0.0.1' from generate_series(1, 30)");
    login(email, PASSWORD, "/admin/").then().statusCode(429);
    new TestMail(dataSource)
        .sql(
            "update login_failure set at = now() - interval '16 minutes'"
                + " where key = 'network:127.0.0.1'");
    login(email, PASSWORD, "/admin/").then().statusCode(303);
  }

  @Test
  void nextIsALocalAdminPathOnly() {
    String email = account();
    for (String next :
        new String[] {
          "https://evil.example/admin/",
          "//evil.example/admin/",
          "/admin//evil.example",
          "/admin/\\evil",
          "/other",
          "/admin/../api/users",
          "javascript:alert(1)"
        }) {
      Response r = login(email, PASSWORD, next);
      assertEquals(303, r.statusCode(), next);
      assertTrue(r.header("Location").endsWith("/admin/"), next + " -> " + r.header("Location"));
    }
    assertTrue(
        login(email, PASSWORD, "/admin/lists?page=2")
            .header("Location")
            .endsWith("/admin/lists?page=2"));
  }
}
