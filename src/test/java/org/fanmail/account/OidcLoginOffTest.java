package org.fanmail.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * With no identity provider configured (the default), the OIDC login path answers 404 without
 * redirecting anywhere and the login page offers no provider link.
 */
@QuarkusTest
class OidcLoginOffTest {
  @Test
  void theOidcPathIsNotFound() {
    given()
        .redirects()
        .follow(false)
        .header("Accept", "text/html")
        .get("/admin/oidc/login?next=/admin/lists")
        .then()
        .statusCode(404)
        .header("Set-Cookie", nullValue());
  }

  @Test
  void theLoginPageHasNoProviderLink() {
    given()
        .get("/admin/login")
        .then()
        .statusCode(200)
        .body(not(containsString("identity provider")))
        .body(containsString("name=\"password\""));
  }
}
