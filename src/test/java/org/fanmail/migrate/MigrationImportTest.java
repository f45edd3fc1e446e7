package org.fanmail.migrate;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Migration imports over REST against the real database (issue 22 item 5): a Mailman 3 export (list
 * configuration and member entries as its REST API writes them, as JSON; members as CSV and as
 * {@code mailman members} prints them) and listmonk's subscriber export CSV. The sample files in
 * {@code src/test/resources/org/fanmail/migrate/} were written for these tests after the formats'
 * documentation. Checked: every mapped field lands where README says, unknown values refuse their
 * row with its line, non-members and blocklisted subscribers are skipped, what has no place is
 * named in {@code ignored}, a refused setting stops the request before any member, and an import
 * repeated changes nothing.
 */
@QuarkusTest
class MigrationImportTest {

  private static RequestSpecification as(String type) {
    return given().header("Authorization", TestSecrets.BEARER).contentType(type);
  }

  private static String sample(String name) throws IOException {
    try (InputStream in = MigrationImportTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void mailmanJsonBringsSettingsAndMembersWithTheirAttributes() throws IOException {
    String list = createList("mmjson");
    String path = "/api/lists/" + list + "/import/mailman";
    String export = sample("mailman-export.json");
    as("application/json")
        .body(export)
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(5))
        .body("updated", equalTo(0))
        .body("unchanged", equalTo(1))
        .body("skipped", equalTo(1))
        .body("invalidTotal", equalTo(1))
        .body("invalid[0].line", equalTo(7))
        .body("invalid[0].value", equalTo("eddy@example.net"))
        .body("invalid[0].reason", containsString("delivery_mode 'weekly'"))
        .body(
            "ignored",
            contains(
                "list.advertised",
                "list.archive_policy",
                "list.info",
                "list.send_welcome_message",
                "members.bounce_score",
                "members.moderation_action"))
        .body(
            "settings",
            containsInAnyOrder(
                "name",
                "description",
                "subjectPrefix",
                "replyTo",
                "maxMessageSize",
                "postingPolicy",
                "nonMemberAction",
                "subscriptionPolicy",
                "unsubscriptionPolicy",
                "dmarcMitigation",
                "dmarcMitigateAlways",
                "digest.enabled",
                "digest.sizeThresholdKb"));
    api()
        .get("/api/lists/" + list)
        .then()
        .body("name", equalTo("Ant Lovers"))
        .body("description", equalTo("Everything about ants"))
        .body("subjectPrefix", equalTo("[Ant]"))
        .body("replyTo", equalTo("LIST"))
        .body("maxMessageSize", equalTo(40960))
        .body("postingPolicy", equalTo("MEMBERS"))
        .body("nonMemberAction", equalTo("REJECT"))
        .body("subscriptionPolicy", equalTo("MODERATE"))
        .body("unsubscriptionPolicy", equalTo("OPEN"))
        .body("dmarcMitigation", equalTo("MUNGE_FROM"))
        .body("digest.enabled", equalTo(true))
        .body("digest.sizeThresholdKb", equalTo(30))
        .body("memberCount", equalTo(5));
    String members = "/api/lists/" + list + "/members/";
    // An owner who is also a member comes twice in Mailman's roster: one member, the higher role.
    api()
        .get(members + "anne@example.com")
        .then()
        .body("name", equalTo("Anne Person"))
        .body("role", equalTo("OWNER"))
        .body("deliveryMode", equalTo("REGULAR"))
        .body("status", equalTo("ACTIVE"));
    api()
        .get(members + "bart@example.com")
        .then()
        .body("deliveryMode", equalTo("DIGEST_MIME"))
        .body("status", equalTo("DISABLED_BY_BOUNCE"))
        .body("bounceScore", equalTo(0));
    api()
        .get(members + "cris@example.org")
        .then()
        .body("deliveryMode", equalTo("NOMAIL"))
        .body("status", equalTo("ACTIVE"));
    api()
        .get(members + "dana@example.org")
        .then()
        .body("name", equalTo(""))
        .body("deliveryMode", equalTo("DIGEST_MIME"))
        .body("status", equalTo("DISABLED_BY_OWNER"))
        .body("role", equalTo("MODERATOR"));
    api()
        .get(members + "fay@example.net")
        .then()
        .body("role", equalTo("MEMBER"))
        .body("status", equalTo("ACTIVE"));
    api().get(members + "nona@example.net").then().statusCode(404);
    api().get(members + "eddy@example.net").then().statusCode(404);
    // Importing the same export again changes no member.
    as("application/json")
        .body(export)
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(0))
        .body("updated", equalTo(0))
        .body("unchanged", equalTo(6));
  }

  @Test
  void mailmanCsvWithAndWithoutHeader() throws IOException {
    String list = createList("mmcsv");
    String path = "/api/lists/" + list + "/import/mailman";
    as("text/csv")
        .body(sample("mailman-members.csv"))
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(2))
        .body("invalid", hasSize(1))
        .body("invalid[0].line", equalTo(4))
        .body("invalid[0].reason", containsString("delivery_status 'by_pope'"))
        .body("ignored", contains("members.moderation_action"))
        .body("settings", hasSize(0));
    String members = "/api/lists/" + list + "/members/";
    api()
        .get(members + "hal@example.com")
        .then()
        .body("name", equalTo("Hal, the second"))
        .body("deliveryMode", equalTo("DIGEST_PLAIN"))
        .body("role", equalTo("OWNER"));
    as("text/csv")
        .body(sample("mailman-members.txt"))
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(3))
        .body("ignored", hasSize(0));
    api().get(members + "bart@example.com").then().body("name", equalTo("Bart Person"));
    api().get(members + "carl@example.com").then().body("name", equalTo(""));
    // A header typed by hand: "Email" and "Display Name".
    as("text/csv")
        .body("Email,Display Name\nzed@example.com,Zed Z\n")
        .post(path)
        .then()
        .body("added", equalTo(1))
        .body("ignored", hasSize(0));
    api().get(members + "zed@example.com").then().body("name", equalTo("Zed Z"));
  }

  @Test
  void mailmanRefusedSettingStopsBeforeAnyMemberAndBadShapesAre400() {
    String list = createList("mmbad");
    String path = "/api/lists/" + list + "/import/mailman";
    as("application/json")
        .body(
            "{\"list\": {\"display_name\": \"X\", \"default_member_action\": \"shred\"},"
                + " \"members\": [{\"email\": \"a@example.com\"}]}")
        .post(path)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("default_member_action"));
    // The list keeps the name it was created with (its local part), not the refused import's.
    api()
        .get("/api/lists/" + list)
        .then()
        .body("memberCount", equalTo(0))
        .body("name", equalTo(list.substring(0, list.indexOf('@'))));
    as("application/json")
        .body(
            "{\"members\": [{\"email\": \"c@example.com\"}], \"list\": {\"display_name\":"
                + " \"Late\"}}")
        .post(path)
        .then()
        .statusCode(400)
        .body("detail", containsString("must be the last property"));
    // Content after the members rolls the members back: none of the refused documents kept any.
    as("application/json").body("{\"lists\": {}}").post(path).then().statusCode(400);
    as("application/json")
        .body("[{\"email\": \"b@example.com\"}] []")
        .post(path)
        .then()
        .statusCode(400);
    as("application/json").body("\"members\"").post(path).then().statusCode(400);
    api().get("/api/lists/" + list).then().body("memberCount", equalTo(0));
    // The members alone, as a bare array of entries, work.
    as("application/json")
        .body("[{\"email\": \"b@example.com\", \"role\": \"moderator\"}, 7]")
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(1))
        .body("invalid[0].line", equalTo(2))
        .body("invalid[0].reason", equalTo("element is not an object"))
        .body("settings", hasSize(0));
    as("application/json")
        .body("[]")
        .post("/api/lists/nolist-mm@lists.example/import/mailman")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/plain")
        .body("x")
        .post(path)
        .then()
        .statusCode(415);
  }

  @Test
  void listmonkSubscribersKeepStatusSkipBlocklistedAndReportWhatHasNoPlace() throws IOException {
    String list = createList("lmcsv");
    String path = "/api/lists/" + list + "/import/listmonk";
    String export = sample("listmonk-subscribers.csv");
    as("text/csv")
        .body(export)
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(2))
        .body("skipped", equalTo(1))
        .body("invalidTotal", equalTo(2))
        .body("invalid[0].line", equalTo(5))
        .body("invalid[0].reason", containsString("status 'sleeping'"))
        .body("invalid[1].line", equalTo(6))
        .body("invalid[1].value", equalTo("not-an-address"))
        .body("ignored", contains("attributes", "created_at", "updated_at", "uuid"))
        .body("settings", hasSize(0));
    String members = "/api/lists/" + list + "/members/";
    api()
        .get(members + "john@example.com")
        .then()
        .body("name", equalTo("John Doe"))
        .body("status", equalTo("ACTIVE"))
        .body("lastBounceAt", nullValue());
    api()
        .get(members + "jane@example.com")
        .then()
        .body("name", equalTo("Doe, Jane"))
        .body("status", equalTo("DISABLED_BY_OWNER"));
    api().get(members + "spam@example.net").then().statusCode(404);
    // listmonk's import format (email,name,attributes) reads too; a blocklisted row never
    // re-enables a member fanmail has.
    as("text/csv")
        .body("email,name,attributes,status\njane@example.com,Jane,{},blocklisted\n")
        .post(path)
        .then()
        .statusCode(200)
        .body("skipped", equalTo(1))
        .body("ignored", hasSize(0));
    api().get(members + "jane@example.com").then().body("status", equalTo("DISABLED_BY_OWNER"));
    as("text/csv")
        .body(export)
        .post(path)
        .then()
        .body("unchanged", equalTo(2))
        .body("added", equalTo(0));
  }
}
