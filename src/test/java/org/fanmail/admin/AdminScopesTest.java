package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.fanmail.testing.AdminApi.as;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.createToken;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scopes of {@link ApiScopes}, walked over every {@code /api} operation of {@code /q/openapi}:
 * a LIST_OWNER of another list gets 403 everywhere but the operations open to any account; a
 * LIST_OWNER of the list gets anything but 403 inside its list and 403 on global resources; a
 * MODERATOR gets anything but 403 on the held posts of its list and 403 on everything else. Every
 * operation of the document is in the table (and the table names no operation that is gone).
 */
@QuarkusTest
class AdminScopesTest {
  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject AgroalDataSource dataSource;

  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private TestMail rows;
  private String listA;
  private String listB;
  private String ownerA;
  private String tokenOwnerA;
  private String tokenOwnerB;
  private String tokenModA;

  @BeforeEach
  void accounts() {
    rows = new TestMail(dataSource);
    listA = createList("scope-a");
    listB = createList("scope-b");
    ownerA = createUser(uniqueEmail("owner-a"), "LIST_OWNER", listA);
    tokenOwnerA = createToken(ownerA, "walk");
    tokenOwnerB = createToken(createUser(uniqueEmail("owner-b"), "LIST_OWNER", listB), "walk");
    tokenModA = createToken(createUser(uniqueEmail("mod-a"), "MODERATOR", listA), "walk");
  }

  @Test
  void everyOperationIsInTheTableAndTheTableIsCurrent() {
    Set<String> documented = new TreeSet<>();
    for (String[] op : apiOperations()) {
      documented.add(op[0].toUpperCase() + " " + op[1]);
    }
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(ApiScopes.all().keySet());
    assertEquals(Set.of(), missing, "operations without a scope in ApiScopes");
    Set<String> stale = new TreeSet<>(ApiScopes.all().keySet());
    stale.removeAll(documented);
    assertEquals(Set.of(), stale, "ApiScopes names operations /q/openapi does not have");
    JsonPath doc = openApi();
    for (String[] op : apiOperations()) {
      String where = "paths.'" + op[1] + "'." + op[0];
      assertEquals(rule(op).name(), doc.getString(where + ".'x-fanmail-scope'"), where);
      assertTrue(doc.getString(where + ".description").contains("Scope: "), where);
    }
  }

  @Test
  void theOwnerOfAnotherListIsRefusedEverywhereButTheOpenOperations() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (String[] op : apiOperations()) {
      ApiScopes.Rule rule = rule(op);
      boolean open = rule == ApiScopes.Rule.ANY || rule == ApiScopes.Rule.OWNERS;
      check(wrong, tokenOwnerB, op, path(op[1], rows.held(listA, "walk")), !open);
    }
    assertEquals(List.of(), wrong);
    rows.listId(listA); // still there: the refused DELETE changed nothing
  }

  @Test
  void theOwnerOfTheListMayDoEverythingInsideItAndNothingGlobal() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (String[] op : apiOperations()) {
      ApiScopes.Rule rule = rule(op);
      boolean refused = rule == ApiScopes.Rule.ADMIN || rule == ApiScopes.Rule.SELF;
      check(wrong, tokenOwnerA, op, path(op[1], rows.held(listA, "walk")), refused);
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aModeratorMayOnlyReadAndDecideHeldPostsOfItsList() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (String[] op : apiOperations()) {
      ApiScopes.Rule rule = rule(op);
      boolean allowed =
          rule == ApiScopes.Rule.MODERATE_LIST
              || rule == ApiScopes.Rule.ANY
              || rule == ApiScopes.Rule.POST_OF_LIST;
      // A fresh held post each time: a verdict earlier in the walk un-holds the last one.
      check(wrong, tokenModA, op, path(op[1], rows.held(listA, "walk")), !allowed);
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void postsByIdAreDecidedByTheirList() throws Exception {
    long accepted =
        rows.acceptedPost(
            rows.listId(listA),
            listA,
            TestMail.message(TestMail.uniqueId(), listA, "s", "b"),
            Instant.now());
    as(tokenOwnerA).get("/api/posts/" + accepted).then().statusCode(200);
    as(tokenModA).get("/api/posts/" + accepted).then().statusCode(403);
    as(tokenOwnerB).get("/api/posts/" + accepted).then().statusCode(403);
    long held = rows.held(listA, "held");
    as(tokenModA).get("/api/posts/" + held).then().statusCode(200);
    as(tokenModA).get("/api/posts/" + held + "/raw").then().statusCode(200);
    as(tokenOwnerB).get("/api/posts/" + held + "/raw").then().statusCode(403);
    // A held post of list A decided through list B's path is not found, not decided.
    long heldB = rows.held(listB, "held-b");
    as(tokenModA)
        .post("/api/lists/" + listA + "/held/" + heldB + "/approve")
        .then()
        .statusCode(404);
    assertEquals("HELD", rows.postState(heldB));
  }

  @Test
  void anAccountManagesItselfButCannotRaiseItself() {
    as(tokenOwnerA)
        .get("/api/users/" + ownerA)
        .then()
        .statusCode(200)
        .body("role", equalTo("LIST_OWNER"));
    as(tokenOwnerA).get("/api/users/" + ownerA.toUpperCase() + "/tokens").then().statusCode(200);
    String second =
        as(tokenOwnerA)
            .body("{\"name\":\"second\"}")
            .post("/api/users/" + ownerA + "/tokens")
            .then()
            .statusCode(201)
            .extract()
            .path("token");
    as(second)
        .get("/api/lists")
        .then()
        .statusCode(200)
        .body("items.address", equalTo(List.of(listA)))
        .body("total", equalTo(1));
    as(tokenOwnerA)
        .body("{\"role\":\"ADMIN\"}")
        .patch("/api/users/" + ownerA)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    as(tokenOwnerA)
        .body("{\"email\":\"" + uniqueEmail("x") + "\",\"role\":\"ADMIN\"}")
        .post("/api/users")
        .then()
        .statusCode(403);
    as(tokenOwnerA)
        .body("{\"address\":\"" + AdminApiAddress.unique() + "\"}")
        .post("/api/lists")
        .then()
        .statusCode(403);
    as(tokenOwnerA).delete("/api/users/" + ownerA + "/tokens/second").then().statusCode(204);
    as(second).get("/api/lists").then().statusCode(401);
  }

  /** A list address nobody uses (list creation is refused, so nothing is made). */
  private static final class AdminApiAddress {
    static String unique() {
      return org.fanmail.testing.AdminApi.uniqueAddress("refused");
    }
  }

  private void check(
      List<String> wrong, String token, String[] op, String path, boolean forbidden) {
    Response r =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType(op[2])
            .body((op[0].equals("get") || !op[2].contains("json") ? "" : "{}").getBytes(UTF_8))
            .request(op[0].toUpperCase(), path);
    String where = op[0] + " " + path + " -> " + r.statusCode();
    if (forbidden) {
      if (r.statusCode() != 403
          || !"application/problem+json".equals(r.contentType().split(";")[0])) {
        wrong.add("expected 403: " + where);
      }
    } else if (r.statusCode() == 403 || r.statusCode() == 401 || r.statusCode() >= 500) {
      wrong.add("expected 2xx/4xx other than 401/403: " + where);
    }
  }

  private String path(String template, long postId) {
    return template
        .replace("{address}", listA)
        .replace("{email}", "someone-else@people.example")
        .replace("{id}", Long.toString(postId))
        .replaceAll("\\{[^}]+}", "1");
  }

  private static ApiScopes.Rule rule(String[] op) {
    return ApiScopes.of(op[0].toUpperCase() + " " + op[1])
        .map(ApiScopes.Scope::rule)
        .orElse(ApiScopes.Rule.ADMIN);
  }

  /**
   * {method, path, media type} of every operation under /api in the OpenAPI document; the media
   * type is the first its request body names (JSON without one), so that the walk reaches the
   * operation and not a 415 from content negotiation, which comes before any scope.
   */
  private List<String[]> apiOperations() {
    JsonPath doc = openApi();
    List<String[]> ops = new ArrayList<>();
    Map<String, Map<String, Object>> paths = doc.getMap("paths");
    paths.forEach(
        (path, item) -> {
          if (path.startsWith("/api")) {
            for (String method : METHODS) {
              if (item.containsKey(method)) {
                Object body = ((Map<?, ?>) item.get(method)).get("requestBody");
                Object content = body instanceof Map<?, ?> b ? b.get("content") : null;
                String type =
                    content instanceof Map<?, ?> c && !c.isEmpty()
                        ? String.valueOf(c.keySet().iterator().next())
                        : "application/json";
                ops.add(new String[] {method, path, type});
              }
            }
          }
        });
    assertTrue(ops.size() >= 40, "operations found: " + ops.size());
    return ops;
  }

  private JsonPath openApi() {
    return given()
        .baseUri("http://" + management.getHost())
        .port(management.getPort())
        .accept(ContentType.JSON)
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
