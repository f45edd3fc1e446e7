package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.config.SecretsCheck;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The bearer-token guard: every operation listed in {@code /q/openapi} (on the management port)
 * under {@code /api} answers 401 problem+json with {@code WWW-Authenticate: Bearer} without a
 * token, with a wrong one and with another scheme; so do unknown and oddly spelled {@code /api}
 * paths; public paths stay open; the OpenAPI document declares the bearer scheme; fanmail refuses
 * to start without a token.
 */
@QuarkusTest
class AdminAuthTest {
  /** The management interface (health, metrics, OpenAPI), on its own port. */
  @TestHTTPResource(value = "/", management = true)
  URL management;

  private static final List<String> METHODS =
      List.of("get", "post", "put", "patch", "delete", "head", "options");

  @Test
  void openApiDeclaresBearerSchemeAndRequirements() {
    JsonPath doc =
        given()
            .baseUri("http://" + management.getHost())
            .port(management.getPort())
            .accept(ContentType.JSON)
            .get("/q/openapi?format=json")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    Map<String, Object> scheme = doc.getMap("components.securitySchemes.bearer");
    assertTrue(scheme != null && "bearer".equals(scheme.get("scheme")), "bearer scheme: " + scheme);
    List<String[]> ops = apiOperations(doc);
    assertTrue(ops.size() >= 10, "operations found: " + ops.size());
    List<String> named = ops.stream().map(op -> op[0] + " " + op[1]).toList();
    for (String op :
        List.of(
            "get /api/destinations",
            "post /api/destinations/{site}/suspend",
            "post /api/destinations/{site}/resume")) {
      assertTrue(named.contains(op), op + " documented and walked: " + named);
    }
    for (String[] op : ops) {
      List<Object> security = doc.getList("paths.'" + op[1] + "'." + op[0] + ".security");
      assertTrue(security != null && !security.isEmpty(), op[0] + " " + op[1] + " lacks security");
    }
  }

  @Test
  void everyApiOperationNeedsTheToken() {
    String list = createList("auth");
    JsonPath doc =
        given()
            .baseUri("http://" + management.getHost())
            .port(management.getPort())
            .accept(ContentType.JSON)
            .get("/q/openapi?format=json")
            .then()
            .extract()
            .jsonPath();
    for (String[] op : apiOperations(doc)) {
      String path =
          op[1]
              .replaceAll("\\{address}", list)
              .replaceAll("\\{email}", "a@example.com")
              .replaceAll("\\{[^}]+}", "1");
      assertUnauthorized(given(), op[0], path);
      assertUnauthorized(given().header("Authorization", "Bearer wrong-token"), op[0], path);
      assertUnauthorized(
          given().header("Authorization", TestSecrets.BEARER + "-and-more"), op[0], path);
      assertUnauthorized(
          given()
              .header(
                  "Authorization",
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              TestSecrets.ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8))),
          op[0],
          path);
      assertUnauthorized(given().header("Authorization", "Bearer "), op[0], path);
    }
  }

  @Test
  void unknownAndOddlySpelledApiPathsNeedTheToken() {
    for (String path :
        new String[] {
          "/api",
          "/api/",
          "/api/nothing-here",
          "/api/posts/1",
          "/api/queue",
          "//api/lists",
          "/API/lists",
          "/api/./lists",
          "/x/../api/lists",
          "/api;a=b/lists"
        }) {
      assertUnauthorized(given(), "get", path);
    }
    assertUnauthorized(given().urlEncodingEnabled(false), "get", "/api/%6cists");
    // Percent-encoded on the wire: the filter sees the decoded path.
    assertUnauthorized(given().urlEncodingEnabled(false), "get", "/%61pi/lists");
  }

  @Test
  void tokenInAnyCaseOfSchemeIsAccepted() {
    given()
        .header("Authorization", "bearer " + TestSecrets.ADMIN_TOKEN)
        .get("/api/lists")
        .then()
        .statusCode(200);
    given().header("Authorization", TestSecrets.BEARER).get("/api/lists").then().statusCode(200);
  }

  @Test
  void unknownApiPathWithTokenIsProblem404() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404));
  }

  @Test
  void wrongMethodAndMediaTypeAreProblems() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .put("/api/lists")
        .then()
        .statusCode(405)
        .contentType("application/problem+json");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/plain")
        .body("x")
        .post("/api/lists")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void publicPathsAreNotGuarded() {
    for (String path : new String[] {"/unsubscribe/x", "/confirm/x", "/moderate/x"}) {
      given().get(path).then().statusCode(not(401));
    }
    for (String path : new String[] {"/q/health/live", "/q/openapi"}) {
      given()
          .baseUri("http://" + management.getHost())
          .port(management.getPort())
          .get(path)
          .then()
          .statusCode(200);
    }
  }

  @Test
  void startUpRefusesAMissingBlankShortOrPlaceholderToken() {
    for (Optional<String> token :
        List.of(
            Optional.<String>empty(),
            Optional.of("  "),
            Optional.of("t"),
            Optional.of("x".repeat(SecretsCheck.MIN_LENGTH - 1)),
            Optional.of("change-me-admin-token-0123456789abcdef"))) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> SecretsCheck.requireAdminToken(token));
      assertTrue(e.getMessage().contains("fanmail.admin.token"), e.getMessage());
    }
    String good = "x".repeat(SecretsCheck.MIN_LENGTH);
    assertEquals(good, SecretsCheck.requireAdminToken(Optional.of(good)));
  }

  @Test
  void pathNormalizationRecognizesApiPaths() {
    assertTrue(AdminTokenFilter.isAdminPath("/api/lists"));
    assertTrue(AdminTokenFilter.isAdminPath("api"));
    assertTrue(AdminTokenFilter.isAdminPath("/./API//lists"));
    assertFalse(AdminTokenFilter.isAdminPath("/apis"));
    assertFalse(AdminTokenFilter.isAdminPath("/api/../confirm/x"));
    assertFalse(AdminTokenFilter.isAdminPath("/unsubscribe/api"));
  }

  private static void assertEquals(String expected, String actual) {
    org.junit.jupiter.api.Assertions.assertEquals(expected, actual);
  }

  private static void assertUnauthorized(RequestSpecification request, String method, String path) {
    Response r =
        request
            .contentType(ContentType.JSON)
            .body(method.equals("get") ? "" : "{}")
            .request(method.toUpperCase(), path);
    String where = method + " " + path;
    org.junit.jupiter.api.Assertions.assertEquals(401, r.statusCode(), where);
    if (!method.equals("head")) {
      org.junit.jupiter.api.Assertions.assertEquals(
          "application/problem+json", r.contentType().split(";")[0], where);
      org.junit.jupiter.api.Assertions.assertEquals(401, r.jsonPath().getInt("status"), where);
    }
    org.junit.jupiter.api.Assertions.assertEquals("Bearer", r.header("WWW-Authenticate"), where);
  }

  /** {method, path} of every operation under /api in the OpenAPI document. */
  private static List<String[]> apiOperations(JsonPath doc) {
    List<String[]> ops = new ArrayList<>();
    Map<String, Map<String, Object>> paths = doc.getMap("paths");
    paths.forEach(
        (path, item) -> {
          if (path.startsWith("/api")) {
            for (String method : METHODS) {
              if (item.containsKey(method)) {
                ops.add(new String[] {method, path});
              }
            }
          }
        });
    return ops;
  }
}
