package org.fanmail.console;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.as;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.createToken;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The audit log page: a change made over REST appears with its actor and action, escaped; an owner
 * sees its own list's entries and not another list's; a moderator gets 403; the filters narrow it
 * and a hostile filter value comes back escaped.
 */
@QuarkusTest
class AuditPageTest {

  @Test
  void changesAppearForAdminsAndOwnersOfTheirListsOnly() {
    String mine = createList("auditpage-mine");
    String other = createList("auditpage-other");
    String owner = createUser(uniqueEmail("audit-owner"), "LIST_OWNER", mine);
    String ownerToken = createToken(owner, "page");
    String moderatorToken =
        createToken(createUser(uniqueEmail("audit-mod"), "MODERATOR", mine), "page");
    as(ownerToken)
        .contentType("application/json")
        .body("{\"subjectPrefix\":\"[<b>mine</b>]\"}")
        .patch("/api/lists/" + mine)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("application/json")
        .body("{\"subjectPrefix\":\"[other]\"}")
        .patch("/api/lists/" + other)
        .then()
        .statusCode(200);

    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("target", "/api/lists/" + mine)
        .get("/admin/audit")
        .then()
        .statusCode(200)
        .body(containsString(owner))
        .body(containsString("list.update"))
        .body(not(containsString("<b>mine</b>")));
    as(ownerToken)
        .get("/admin/audit")
        .then()
        .statusCode(200)
        .body(containsString("/api/lists/" + mine))
        .body(not(containsString("/api/lists/" + other)));
    as(moderatorToken).get("/admin/audit").then().statusCode(403);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("actor", "<script>x</script>")
        .get("/admin/audit")
        .then()
        .statusCode(200)
        .body(containsString("No change recorded for this filter"))
        .body(not(containsString("<script>x</script>")));
  }
}
