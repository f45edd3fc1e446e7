package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.as;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.createToken;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * The audit log: every successful change through {@code /api} is one entry with actor, action,
 * target, list and details; reads and refused changes are not; no token or password is ever written
 * to it; {@code GET /api/audit} filters and pages, and shows a LIST_OWNER its lists' entries only.
 */
@QuarkusTest
class AuditTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void changesAreRecordedWithActorActionTargetAndList() {
    Instant start = Instant.now().minusSeconds(1);
    String list = createList("audit");
    JsonPath created =
        api()
            .queryParam("target", "/api/lists/" + list)
            .get("/api/audit")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("list.create", created.getString("items[0].action"));
    assertEquals("admin-token", created.getString("items[0].actor"));
    assertEquals(list, created.getString("items[0].list"));
    assertEquals("POST", created.getString("items[0].details.method"));
    assertEquals(list, created.getString("items[0].details.result.address"));
    api()
        .body("{\"email\":\"m@people.example\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    api().get("/api/lists/" + list + "/members").then().statusCode(200);
    api()
        .body("{\"email\":\"not an address\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(400);
    List<Map<String, Object>> items =
        api()
            .queryParam("target", "/api/lists/" + list)
            .queryParam("after", start.toString())
            .get("/api/audit")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items");
    assertEquals(
        List.of("member.add", "list.create"), items.stream().map(i -> i.get("action")).toList());
    Map<?, ?> details = (Map<?, ?>) items.get(0).get("details");
    assertEquals(Map.of("address", list), details.get("params"));
    assertEquals("m@people.example", ((Map<?, ?>) details.get("result")).get("email"));
  }

  @Test
  void noTokenOrPasswordLandsInTheLog() throws Exception {
    String email = uniqueEmail("secret");
    String password = "a very secret password " + System.nanoTime();
    api()
        .body("{\"email\":\"" + email + "\",\"role\":\"ADMIN\",\"password\":\"" + password + "\"}")
        .post("/api/users")
        .then()
        .statusCode(201);
    String token = createToken(email, "secret-test");
    as(token)
        .body("{\"password\":\"" + password + " changed\"}")
        .put("/api/users/" + email + "/password")
        .then()
        .statusCode(204);
    TestMail rows = new TestMail(dataSource);
    assertEquals(
        "0",
        rows.scalar(
            "select count(*) from audit where details::text like '%' || ? || '%'",
            token.substring(4, 30)));
    assertEquals(
        "0",
        rows.scalar(
            "select count(*) from audit where details::text like '%' || ? || '%'",
            "very secret password"));
    List<String> actions =
        api()
            .queryParam("target", "/api/users/" + email)
            .get("/api/audit")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items.action");
    assertEquals(List.of("user.password", "token.create", "user.create"), actions);
    api()
        .queryParam("actor", email.toLowerCase())
        .get("/api/audit")
        .then()
        .body("items.action", equalTo(List.of("user.password")));
    // The redaction itself, at any depth.
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    tree.put("name", "n").put("token", "t").putObject("inner").put("privateKey", "k");
    tree.putArray("list").addObject().put("newPassword", "p").put("keep", 1);
    AuditRecorder.redact(tree);
    assertEquals("{\"name\":\"n\",\"inner\":{},\"list\":[{\"keep\":1}]}", tree.toString());
  }

  @Test
  void aListOwnerSeesItsListsEntriesOnlyAndPagesWork() {
    String mine = createList("audit-mine");
    String other = createList("audit-other");
    String owner = createUser(uniqueEmail("audit-owner"), "LIST_OWNER", mine);
    String token = createToken(owner, "audit");
    as(token)
        .body("{\"description\":\"changed by owner\"}")
        .patch("/api/lists/" + mine)
        .then()
        .statusCode(200);
    api()
        .body("{\"description\":\"changed by admin\"}")
        .patch("/api/lists/" + other)
        .then()
        .statusCode(200);
    as(token)
        .queryParam("size", "500")
        .get("/api/audit")
        .then()
        .statusCode(200)
        .body("items.list", everyItem(equalTo(mine)))
        .body("items.action", hasItem("list.update"))
        .body("items.target", not(hasItem("/api/lists/" + other)));
    // Pages: one entry each, following next, newest first, none twice.
    JsonPath first =
        api()
            .queryParam("size", "1")
            .queryParam("target", "/api/lists/" + mine)
            .get("/api/audit")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("list.update", first.getString("items[0].action"));
    assertNotNull(first.get("next"));
    JsonPath second =
        api()
            .queryParam("size", "1")
            .queryParam("target", "/api/lists/" + mine)
            .queryParam("before", String.valueOf(first.getLong("next")))
            .get("/api/audit")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("list.create", second.getString("items[0].action"));
    assertTrue(second.getLong("items[0].id") < first.getLong("items[0].id"));
    for (String bad : List.of("size=0", "size=501", "before=x", "after=yesterday")) {
      String[] kv = bad.split("=");
      api().queryParam(kv[0], kv[1]).get("/api/audit").then().statusCode(400);
    }
  }
}
