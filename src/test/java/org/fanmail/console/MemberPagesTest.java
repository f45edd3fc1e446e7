package org.fanmail.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.sql.DataSource;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * The members page over HTTP: add, search, remove, export, and a CSV import that runs in the
 * background while its progress is read from the {@code import_job} row, to the final counts; the
 * members it added are then there through the REST API.
 */
@QuarkusTest
class MemberPagesTest {
  @Inject DataSource dataSource;

  private String newList() {
    String address = TestMail.uniqueAddress("members");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("address", address)
        .redirects()
        .follow(false)
        .post("/admin/lists")
        .then()
        .statusCode(303);
    return address;
  }

  @Test
  void addSearchRemoveExport() {
    String list = newList();
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("email", "Ann@Example.test")
        .formParam("name", "Ann <script>")
        .formParam("deliveryMode", "DIGEST_PLAIN")
        .formParam("role", "MEMBER")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/members")
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("email", "bob@example.test")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/members")
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .queryParam("q", "ann")
        .get("/admin/lists/" + list + "/members")
        .then()
        .statusCode(200)
        .body(containsString("Ann@example.test"))
        .body(containsString("Ann &lt;script&gt;"))
        .body(containsString("DIGEST_PLAIN"))
        .body(not(containsString("bob@example.test")))
        .body(containsString("1 member(s)"));
    // A duplicate (any case) is refused on the page.
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("email", "ann@example.test")
        .post("/admin/lists/" + list + "/members")
        .then()
        .statusCode(409)
        .body(containsString("role=\"alert\""));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/lists/" + list + "/members/export")
        .then()
        .statusCode(200)
        .header("Content-Disposition", containsString("members.csv"))
        .body(containsString("email,name,deliveryMode,role,status"))
        .body(containsString("bob@example.test"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType(ContentType.URLENC)
        .formParam("email", "bob@example.test")
        .redirects()
        .follow(false)
        .post("/admin/lists/" + list + "/members/remove")
        .then()
        .statusCode(303);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + list + "/members")
        .then()
        .statusCode(200)
        .body("total", equalTo(1));
  }

  @Test
  void importRunsInTheBackgroundAndReportsItsProgress() throws Exception {
    String list = newList();
    StringBuilder csv = new StringBuilder("email,name\n");
    int rows = 5_000;
    for (int i = 0; i < rows; i++) {
      csv.append("m").append(i).append("@import.test,Member ").append(i).append('\n');
    }
    csv.append("not-an-address,Nobody\n");
    csv.append("m1@IMPORT.test,Repeated\n");
    String location =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .multiPart(
                "file", "members.csv", csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv")
            .multiPart("csrf", "")
            .redirects()
            .follow(false)
            .post("/admin/lists/" + list + "/members/import")
            .then()
            .statusCode(303)
            .extract()
            .header("Location");
    assertTrue(location.matches(".*/admin/imports/\\d+"), location);
    String path = location.substring(location.indexOf("/admin/"));
    JsonPath done = finished(path);
    assertEquals("DONE", done.getString("state"));
    assertEquals(100, done.getInt("percent"));
    assertEquals(rows, done.getLong("added"));
    assertEquals(1, done.getLong("failed"));
    assertEquals(1, done.getLong("skipped"), "the repeated address");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get(path)
        .then()
        .statusCode(200)
        .body(containsString("<progress"))
        .body(containsString("value=\"100\""))
        .body(containsString("not-an-address"))
        .body(not(containsString("data-poll")));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + list + "/members")
        .then()
        .body("total", equalTo(rows));
    assertEquals(
        "DONE",
        new TestMail(dataSource)
            .scalar(
                "select state from import_job where id = ?::bigint", path.replaceAll(".*/", "")));
  }

  @Test
  void aBrokenImportFailsWholeAndSaysWhy() throws Exception {
    String list = newList();
    String location =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .multiPart(
                "file",
                "bad.csv",
                "email,name\nok@import.test,\"unterminated\n".getBytes(StandardCharsets.UTF_8),
                "text/csv")
            .redirects()
            .follow(false)
            .post("/admin/lists/" + list + "/members/import")
            .then()
            .statusCode(303)
            .extract()
            .header("Location");
    String path = location.substring(location.indexOf("/admin/"));
    String state = finished(path).getString("state");
    assertEquals("FAILED", state);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get(path)
        .then()
        .body(containsString("nothing was imported"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/" + list + "/members")
        .then()
        .body("total", equalTo(0));
  }

  /** The job's progress once it says it is finished (polled as the page's script polls it). */
  static JsonPath finished(String path) {
    return Await.value(
        Duration.ofSeconds(90),
        () -> "import " + path + " finished",
        () ->
            given()
                .header("Authorization", TestSecrets.BEARER)
                .get(path + "/progress")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath(),
        p -> p.getBoolean("finished"));
  }

  @Test
  void unknownImportIs404() {
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/admin/imports/999999999")
        .then()
        .statusCode(404);
  }
}
