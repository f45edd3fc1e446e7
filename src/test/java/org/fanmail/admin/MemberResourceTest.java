package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/lists/{address}/members} over HTTP on the real database: add with defaults and
 * settings, 409 on case-insensitive duplicates, read and change and remove by address in any case,
 * paging, and search that takes LIKE wildcards literally.
 */
@QuarkusTest
class MemberResourceTest {

  private static void add(String list, String json) {
    api().body(json).post("/api/lists/" + list + "/members").then().statusCode(201);
  }

  @Test
  void addsMemberWithDefaultsAndReadsItCaseInsensitively() {
    String list = createList("members");
    api()
        .body("{\"email\":\"Joe.User@Example.COM\",\"name\":\"Joe\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/lists/" + list + "/members/Joe.User@example.com"))
        .body("email", equalTo("Joe.User@example.com"))
        .body("name", equalTo("Joe"))
        .body("deliveryMode", equalTo("REGULAR"))
        .body("role", equalTo("MEMBER"))
        .body("status", equalTo("ACTIVE"))
        .body("bounceScore", equalTo(0))
        .body("lastBounceAt", nullValue())
        .body("createdAt", notNullValue());
    api()
        .get("/api/lists/" + list + "/members/joe.user@EXAMPLE.com")
        .then()
        .statusCode(200)
        .body("email", equalTo("Joe.User@example.com"));
  }

  @Test
  void duplicateInAnyCaseIsConflict() {
    String list = createList("memberdup");
    add(list, "{\"email\":\"ann@example.com\"}");
    api()
        .body("{\"email\":\"ANN@EXAMPLE.COM\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("already has member"));
  }

  @Test
  void addWithSettingsAndPatch() {
    String list = createList("memberpatch");
    add(list, "{\"email\":\"mod@example.com\",\"deliveryMode\":\"DIGEST\",\"role\":\"MODERATOR\"}");
    String member = "/api/lists/" + list + "/members/MOD@example.com";
    api()
        .get(member)
        .then()
        // DIGEST, the one digest mode of old, is read as DIGEST_MIME (issue 18).
        .body("deliveryMode", equalTo("DIGEST_MIME"))
        .body("role", equalTo("MODERATOR"))
        .body("receiveOwnPosts", equalTo(true));
    api()
        .body("{\"deliveryMode\":\"DIGEST_PLAIN\"}")
        .patch(member)
        .then()
        .statusCode(200)
        .body("deliveryMode", equalTo("DIGEST_PLAIN"));
    api()
        .body("{\"receiveOwnPosts\":false}")
        .patch(member)
        .then()
        .statusCode(200)
        .body("receiveOwnPosts", equalTo(false));
    api()
        .body("{\"name\":\"The Mod\",\"status\":\"DISABLED_BY_OWNER\",\"deliveryMode\":\"NOMAIL\"}")
        .patch(member)
        .then()
        .statusCode(200)
        .body("name", equalTo("The Mod"))
        .body("status", equalTo("DISABLED_BY_OWNER"))
        .body("deliveryMode", equalTo("NOMAIL"))
        .body("role", equalTo("MODERATOR"));
    api().body("{\"email\":\"x@example.com\"}").patch(member).then().statusCode(400);
    api()
        .body("{\"role\":\"KING\"}")
        .patch(member)
        .then()
        .statusCode(400)
        .body("detail", containsString("MEMBER, MODERATOR, OWNER"));
  }

  @Test
  void deleteRemovesMember() {
    String list = createList("memberdel");
    add(list, "{\"email\":\"gone@example.com\"}");
    api().delete("/api/lists/" + list + "/members/GONE@example.com").then().statusCode(204);
    api()
        .get("/api/lists/" + list + "/members/gone@example.com")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    api().delete("/api/lists/" + list + "/members/gone@example.com").then().statusCode(404);
  }

  @Test
  void unknownListOrMemberIs404() {
    String list = createList("member404");
    api().get("/api/lists/nobody-list@lists.example/members").then().statusCode(404);
    api()
        .body("{\"email\":\"a@example.com\"}")
        .post("/api/lists/nobody-list@lists.example/members")
        .then()
        .statusCode(404);
    api().get("/api/lists/" + list + "/members/nobody@example.com").then().statusCode(404);
    api()
        .body("{}")
        .patch("/api/lists/" + list + "/members/nobody@example.com")
        .then()
        .statusCode(404);
  }

  @Test
  void invalidEmailIs400() {
    String list = createList("memberbad");
    for (String bad :
        new String[] {"", "plain", "a@b", "two@@example.com", "a@-x.example", "a@[1.2.3.4]"}) {
      api()
          .body("{\"email\":\"" + bad + "\"}")
          .post("/api/lists/" + list + "/members")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("detail", notNullValue());
    }
    api()
        .body("{\"name\":\"no email\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(400);
  }

  @Test
  void pagesAndSearches() {
    String list = createList("membersearch");
    add(list, "{\"email\":\"alice@example.com\",\"name\":\"Alice Liddell\"}");
    add(list, "{\"email\":\"bob@example.org\",\"name\":\"Bob 100% Real\"}");
    add(list, "{\"email\":\"carol_x@example.net\",\"name\":\"Carol\"}");
    add(list, "{\"email\":\"dave@example.net\",\"name\":\"Dave\"}");
    String members = "/api/lists/" + list + "/members";
    api()
        .get(members + "?size=2")
        .then()
        .statusCode(200)
        .body("total", equalTo(4))
        .body("size", equalTo(2))
        .body("page", equalTo(0))
        .body("items.email", contains("alice@example.com", "bob@example.org"));
    api()
        .get(members + "?size=2&page=1")
        .then()
        .body("items.email", contains("carol_x@example.net", "dave@example.net"));
    api()
        .get(members + "?size=2&page=2")
        .then()
        .body("items", hasSize(0))
        .body("total", equalTo(4));
    api()
        .get(members + "?q=ALICE")
        .then()
        .body("total", equalTo(1))
        .body("items[0].email", equalTo("alice@example.com"));
    api().get(members + "?q=liddell").then().body("items.email", contains("alice@example.com"));
    api().get(members + "?q=example.net").then().body("total", equalTo(2));
    // Wildcards are literal: '%' matches only Bob's name, '_' only carol_x.
    api().queryParam("q", "%").get(members).then().body("items.email", contains("bob@example.org"));
    api().get(members + "?q=_").then().body("items.email", contains("carol_x@example.net"));
    api().get(members + "?q=!").then().body("total", equalTo(0));
    api().get(members + "?size=0").then().statusCode(400);
    api().get(members + "?page=-3").then().statusCode(400);
  }
}
