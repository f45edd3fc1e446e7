package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Member import with every attribute the export writes (issue 22 item 5): an export imported into a
 * new list gives the same members field for field; attributes change existing members and a second
 * import changes nothing; a bad mode, role, status or flag refuses its row only, with the row's
 * line; columns and properties fanmail has no place for are named in {@code ignored}.
 */
@QuarkusTest
class MemberAttributesImportTest {

  private static RequestSpecification as(String type) {
    return given().header("Authorization", TestSecrets.BEARER).contentType(type);
  }

  private static String importPath(String list) {
    return "/api/lists/" + list + "/members/import";
  }

  private static String export(String list) {
    return api()
        .get("/api/lists/" + list + "/members/export")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  /** The members' documents without the fields an import cannot carry (bounces, creation time). */
  private static List<Map<String, Object>> members(String list) {
    List<Map<String, Object>> items =
        api()
            .get("/api/lists/" + list + "/members?size=100")
            .then()
            .extract()
            .jsonPath()
            .getList("items");
    for (Map<String, Object> m : items) {
      m.remove("createdAt");
      m.remove("bounceScore");
      m.remove("lastBounceAt");
    }
    return items;
  }

  @Test
  void exportImportsIntoANewListFieldForField() {
    String source = createList("attrsrc");
    String[] bodies = {
      "{\"email\":\"ann@example.com\",\"name\":\"Ann, \\\"A\\\"\",\"deliveryMode\":\"DIGEST_PLAIN\","
          + "\"role\":\"MODERATOR\",\"status\":\"DISABLED_BY_OWNER\",\"receiveOwnPosts\":false}",
      "{\"email\":\"Bob@Example.net\",\"name\":\"Bob\",\"deliveryMode\":\"NOMAIL\",\"role\":\"OWNER\","
          + "\"status\":\"DISABLED_BY_BOUNCE\"}",
      "{\"email\":\"cy@example.org\",\"deliveryMode\":\"DIGEST_MIME\",\"status\":\"PENDING\","
          + "\"receiveOwnPosts\":false}",
      "{\"email\":\"dee@example.org\",\"name\":\"Dee\"}"
    };
    for (String body : bodies) {
      api()
          .contentType("application/json")
          .body(body)
          .post("/api/lists/" + source + "/members")
          .then()
          .statusCode(201);
    }
    String exported = export(source);
    assertEquals(
        "email,name,deliveryMode,role,status,receiveOwnPosts\r\n"
            + "ann@example.com,\"Ann, \"\"A\"\"\",DIGEST_PLAIN,MODERATOR,DISABLED_BY_OWNER,false\r\n"
            + "Bob@example.net,Bob,NOMAIL,OWNER,DISABLED_BY_BOUNCE,true\r\n"
            + "cy@example.org,,DIGEST_MIME,MEMBER,PENDING,false\r\n"
            + "dee@example.org,Dee,REGULAR,MEMBER,ACTIVE,true\r\n",
        exported);

    String csvTarget = createList("attrcsv");
    as("text/csv")
        .body(exported)
        .post(importPath(csvTarget))
        .then()
        .statusCode(200)
        .body("added", equalTo(4))
        .body("invalid", hasSize(0))
        .body("ignored", hasSize(0));
    assertEquals(exported, export(csvTarget));
    assertEquals(members(source), members(csvTarget));

    // The JSON form: a page of member documents, as GET .../members answers it.
    String page =
        api().get("/api/lists/" + source + "/members?size=100").then().extract().asString();
    String items = JsonPath.from(page).prettify();
    String jsonTarget = createList("attrjson");
    as("application/json")
        .body(new JsonPath(page).getList("items"))
        .post(importPath(jsonTarget))
        .then()
        .statusCode(200)
        .body("added", equalTo(4))
        .body("invalid", hasSize(0))
        .body("ignored", contains("bounceScore", "createdAt"));
    assertEquals(exported, export(jsonTarget), items);
    assertEquals(members(source), members(jsonTarget));

    // Importing again changes nothing, in either form.
    as("text/csv")
        .body(exported)
        .post(importPath(csvTarget))
        .then()
        .body("unchanged", equalTo(4))
        .body("updated", equalTo(0));
  }

  @Test
  void attributesChangeExistingMembersAndBadValuesRefuseTheirRowOnly() {
    String list = createList("attrchg");
    as("text/csv")
        .body("email,name\nann@example.com,Ann\nbob@example.com,Bob\ncy@example.com,Cy\n")
        .post(importPath(list))
        .then()
        .body("added", equalTo(3));
    as("text/csv")
        .body(
            "email,role,status,receiveOwnPosts,deliveryMode,notes\n"
                + "ann@example.com,owner,,FALSE,digest,likes cats\n"
                + "bob@example.com,BOSS,ACTIVE,,,\n"
                + "cy@example.com,,gone,,,\n"
                + "dee@example.com,,,maybe,,\n"
                + "eve@example.com,MODERATOR,DISABLED_BY_OWNER,true,NOMAIL,\n"
                + "cy@example.com,MEMBER,ACTIVE,true,REGULAR,\n")
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(1))
        .body("updated", equalTo(1))
        .body("unchanged", equalTo(1))
        .body("invalidTotal", equalTo(3))
        .body("invalid[0].line", equalTo(3))
        .body("invalid[0].value", equalTo("bob@example.com"))
        .body("invalid[0].reason", containsString("role must be one of"))
        .body("invalid[1].line", equalTo(4))
        .body("invalid[1].reason", containsString("status must be one of"))
        .body("invalid[2].line", equalTo(5))
        .body("invalid[2].reason", containsString("receiveOwnPosts must be true or false"))
        .body("ignored", contains("notes"));
    String members = "/api/lists/" + list + "/members/";
    api()
        .get(members + "ann@example.com")
        .then()
        .body("name", equalTo("Ann"))
        .body("role", equalTo("OWNER"))
        .body("status", equalTo("ACTIVE"))
        .body("receiveOwnPosts", equalTo(false))
        .body("deliveryMode", equalTo("DIGEST_MIME"));
    api().get(members + "bob@example.com").then().body("role", equalTo("MEMBER"));
    api()
        .get(members + "eve@example.com")
        .then()
        .body("role", equalTo("MODERATOR"))
        .body("status", equalTo("DISABLED_BY_OWNER"))
        .body("deliveryMode", equalTo("NOMAIL"));
    as("application/json")
        .body(
            "[{\"email\":\"bob@example.com\",\"receiveOwnPosts\":\"no\"},"
                + "{\"email\":\"cy@example.com\",\"role\":7},"
                + "{\"email\":\"bob@example.com\",\"status\":\"disabled_by_owner\"}]")
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("updated", equalTo(1))
        .body("invalid[0].line", equalTo(1))
        .body("invalid[0].reason", equalTo("receiveOwnPosts is not true or false"))
        .body("invalid[1].line", equalTo(2))
        .body("invalid[1].reason", equalTo("role is not a string"));
    api().get(members + "bob@example.com").then().body("status", equalTo("DISABLED_BY_OWNER"));
  }
}
