package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.uniqueAddress;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/lists} over HTTP on the real database: create with every setting and with defaults,
 * 409 on case-insensitive duplicates, reserved suffixes and {@code +}, read, page, partial update,
 * delete, and the problem documents of each failure.
 */
@QuarkusTest
class ListResourceTest {

  @Test
  void createsListWithEverySettingAndReadsItBack() {
    String address = uniqueAddress("Full").toUpperCase(Locale.ROOT);
    String lower = address.toLowerCase(Locale.ROOT);
    api()
        .body(
            """
            {"address": "%s", "name": "Full list", "description": "All settings",
             "postingPolicy": "MODERATED", "nonMemberAction": "REJECT", "subjectPrefix": "[full]",
             "replyTo": "LIST", "maxMessageSize": 1048576, "personalize": true,
             "owners": ["Boss@Example.COM", "boss@example.com", "second@example.org"],
             "subscriptionPolicy": "CONFIRM_THEN_MODERATE", "unsubscriptionPolicy": "MODERATE",
             "dmarcMitigation": "MUNGE_FROM", "memberAuth": "DMARC"}
            """
                .formatted(address))
        .post("/api/lists")
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/lists/" + lower))
        .body("address", equalTo(lower))
        .body("owners", contains("Boss@example.com", "second@example.org"))
        .body("memberCount", equalTo(0));

    api()
        .get("/api/lists/" + address)
        .then()
        .statusCode(200)
        .body("address", equalTo(lower))
        .body("name", equalTo("Full list"))
        .body("description", equalTo("All settings"))
        .body("postingPolicy", equalTo("MODERATED"))
        .body("nonMemberAction", equalTo("REJECT"))
        .body("subjectPrefix", equalTo("[full]"))
        .body("replyTo", equalTo("LIST"))
        .body("maxMessageSize", equalTo(1048576))
        .body("personalize", equalTo(true))
        .body("subscriptionPolicy", equalTo("CONFIRM_THEN_MODERATE"))
        .body("unsubscriptionPolicy", equalTo("MODERATE"))
        .body("dmarcMitigation", equalTo("MUNGE_FROM"))
        .body("memberAuth", equalTo("DMARC"))
        .body("memberCount", equalTo(0))
        .body("createdAt", notNullValue());
  }

  @Test
  void createWithOnlyAddressTakesDefaults() {
    String address = uniqueAddress("defaults");
    api()
        .body("{\"address\":\"" + address + "\"}")
        .post("/api/lists")
        .then()
        .statusCode(201)
        .body("name", equalTo(address.substring(0, address.indexOf('@'))))
        .body("description", equalTo(""))
        .body("postingPolicy", equalTo("MEMBERS"))
        .body("nonMemberAction", equalTo("HOLD"))
        .body("replyTo", equalTo("POSTER"))
        .body("subjectPrefix", nullValue())
        .body("maxMessageSize", nullValue())
        .body("personalize", equalTo(false))
        .body("owners", hasSize(0))
        .body("subscriptionPolicy", equalTo("CONFIRM"))
        // Unsubscribing by email is confirmed by default: a -leave message is easily forged.
        .body("unsubscriptionPolicy", equalTo("CONFIRM"))
        .body("dmarcMitigation", equalTo("NONE"))
        .body("memberAuth", equalTo("NONE"));
  }

  @Test
  void duplicateAddressIsConflictWhateverTheCase() {
    String address = createList("dup");
    api()
        .body("{\"address\":\"" + address.toUpperCase(Locale.ROOT) + "\"}")
        .post("/api/lists")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("status", equalTo(409))
        .body("title", equalTo("Conflict"))
        .body("detail", containsString("already exists"));
  }

  @Test
  void reservedSuffixesAndPlusAreRefused() {
    for (String suffix :
        new String[] {"-request", "-join", "-leave", "-owner", "-bounces", "-confirm"}) {
      api()
          .body("{\"address\":\"news" + suffix + "@lists.example\"}")
          .post("/api/lists")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("detail", containsString(suffix));
    }
    api()
        .body("{\"address\":\"news+x@lists.example\"}")
        .post("/api/lists")
        .then()
        .statusCode(400)
        .body("detail", containsString("'+'"));
  }

  @Test
  void invalidOrMissingAddressIs400() {
    for (String bad : new String[] {"no-at-sign", "a@b", "a@[127.0.0.1]", "a b@x.example", ""}) {
      api()
          .body("{\"address\":\"" + bad + "\"}")
          .post("/api/lists")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("type", notNullValue())
          .body("detail", notNullValue());
    }
    api()
        .body("{}")
        .post("/api/lists")
        .then()
        .statusCode(400)
        .body("detail", containsString("address"));
    api().post("/api/lists").then().statusCode(400);
  }

  @Test
  void unknownListIs404ForEveryMethod() {
    String address = uniqueAddress("missing");
    api()
        .get("/api/lists/" + address)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    api().body("{\"name\":\"x\"}").patch("/api/lists/" + address).then().statusCode(404);
    api().delete("/api/lists/" + address).then().statusCode(404);
    api().get("/api/lists/not-an-address").then().statusCode(404);
  }

  @Test
  void patchChangesOnlyPresentFieldsAndClearsNullables() {
    String address = uniqueAddress("patch");
    api()
        .body(
            "{\"address\":\"%s\",\"name\":\"Before\",\"subjectPrefix\":\"[p]\",\"maxMessageSize\":5000}"
                .formatted(address))
        .post("/api/lists")
        .then()
        .statusCode(201);
    api()
        .body("{\"postingPolicy\":\"OPEN\",\"subjectPrefix\":null}")
        .patch("/api/lists/" + address.toUpperCase(Locale.ROOT))
        .then()
        .statusCode(200)
        .body("name", equalTo("Before"))
        .body("postingPolicy", equalTo("OPEN"))
        .body("subjectPrefix", nullValue())
        .body("maxMessageSize", equalTo(5000));
    api()
        .body("{\"address\":\"other@lists.example\"}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("address"));
    api()
        .body("{\"name\":null}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("name"));
    api()
        .body("{\"maxMessageSize\":0}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("maxMessageSize"));
    api()
        .body("{\"owners\":[\"not an address\"]}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("owners[0]"));
    api().get("/api/lists/" + address).then().body("name", equalTo("Before"));
  }

  @Test
  void memberAuthTakesItsTwoValuesOnly() {
    String address = createList("memberauth");
    api()
        .body("{\"memberAuth\":\"DMARC\"}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(200)
        .body("memberAuth", equalTo("DMARC"))
        .body("postingPolicy", equalTo("MEMBERS"));
    api().body("{\"memberAuth\":\"SPF\"}").patch("/api/lists/" + address).then().statusCode(400);
    api()
        .body("{\"memberAuth\":null}")
        .patch("/api/lists/" + address)
        .then()
        .statusCode(400)
        .body("detail", containsString("memberAuth"));
    api().get("/api/lists/" + address).then().body("memberAuth", equalTo("DMARC"));
  }

  @Test
  void deleteRemovesListAndMembers() {
    String address = createList("delete");
    api()
        .body("{\"email\":\"m@example.com\"}")
        .post("/api/lists/" + address + "/members")
        .then()
        .statusCode(201);
    api().delete("/api/lists/" + address).then().statusCode(204);
    api().get("/api/lists/" + address).then().statusCode(404);
    api().get("/api/lists/" + address + "/members").then().statusCode(404);
  }

  @Test
  void pagesListsInStableOrder() {
    for (int i = 0; i < 3; i++) {
      createList("paging");
    }
    api()
        .get("/api/lists?page=0&size=2")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("total", greaterThanOrEqualTo(3))
        .body("page", equalTo(0))
        .body("size", equalTo(2));
    api().get("/api/lists?page=100000&size=1000").then().statusCode(200).body("items", hasSize(0));
    api().get("/api/lists").then().statusCode(200).body("size", equalTo(50));
    for (String bad : new String[] {"page=-1", "size=0", "size=1001", "page=abc", "size=1.5"}) {
      api()
          .get("/api/lists?" + bad)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("detail", notNullValue());
    }
  }

  @Test
  void memberCountFollowsMembers() {
    String address = createList("count");
    for (String email : new String[] {"a@example.com", "b@example.com"}) {
      api()
          .body("{\"email\":\"" + email + "\"}")
          .post("/api/lists/" + address + "/members")
          .then()
          .statusCode(201);
    }
    api().get("/api/lists/" + address).then().body("memberCount", equalTo(2));
  }
}
