package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Bulk import (CSV with and without header, quoted fields, blank lines, invalid lines with their
 * line numbers, duplicates counted once, idempotency, JSON arrays) and the streamed CSV export,
 * including a 100,000-row import in one request and an export → re-import round trip.
 */
@QuarkusTest
class MemberImportExportTest {

  private static RequestSpecification csv() {
    return given().header("Authorization", TestSecrets.BEARER).contentType("text/csv");
  }

  private static String importPath(String list) {
    return "/api/lists/" + list + "/members/import";
  }

  @Test
  void csvWithHeaderQuotedFieldsAndInvalidLines() {
    String list = createList("csvimport");
    String body =
        "email,name\r\n"
            + "ann@example.com,Ann\r\n"
            + "\r\n"
            + "\"bob@example.com\",\"Smith, Bob \"\"B\"\"\"\r\n"
            + "not-an-address,Nobody\r\n"
            + "carol@example.com,\"Carol\nSecond line\"\r\n"
            + "dave@example.com\r\n"
            + "ANN@example.com,Ann again\r\n"
            + "eve@bad..example,Eve\r\n";
    csv()
        .body(body)
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(3))
        .body("updated", equalTo(0))
        .body("unchanged", equalTo(1))
        .body("invalid", hasSize(3))
        .body("invalid[0].line", equalTo(5))
        .body("invalid[0].value", equalTo("not-an-address"))
        .body("invalid[0].reason", containsString("local@domain"))
        .body("invalid[1].line", equalTo(6))
        .body("invalid[1].reason", containsString("name"))
        .body("invalid[2].line", equalTo(10))
        .body("invalid[2].value", equalTo("eve@bad..example"));
    api()
        .get("/api/lists/" + list + "/members/bob@example.com")
        .then()
        .body("name", equalTo("Smith, Bob \"B\""));
    api().get("/api/lists/" + list + "/members/dave@example.com").then().body("name", equalTo(""));
    api().get("/api/lists/" + list).then().body("memberCount", equalTo(3));
  }

  @Test
  void csvWithoutHeaderIsIdempotentAndUpdatesNames() {
    String list = createList("csvidem");
    String body = "a@example.com,A\nb@example.com,B\nc@example.com\n";
    csv().body(body).post(importPath(list)).then().statusCode(200).body("added", equalTo(3));
    csv()
        .body(body)
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(0))
        .body("updated", equalTo(0))
        .body("unchanged", equalTo(3))
        .body("invalid", hasSize(0));
    csv()
        .body("A@EXAMPLE.COM,Renamed\nd@example.com,D\n")
        .post(importPath(list))
        .then()
        .body("added", equalTo(1))
        .body("updated", equalTo(1))
        .body("unchanged", equalTo(0));
    api()
        .get("/api/lists/" + list + "/members/a@example.com")
        .then()
        .body("name", equalTo("Renamed"));
  }

  @Test
  void importsCarryDeliveryModesAndReadDigestAsMime() {
    String list = createList("modeimport");
    csv()
        .body("email,name,deliveryMode\nann@example.com,Ann,DIGEST\nbob@example.com,Bob,\n")
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(2));
    String members = "/api/lists/" + list + "/members/";
    api().get(members + "ann@example.com").then().body("deliveryMode", equalTo("DIGEST_MIME"));
    api().get(members + "bob@example.com").then().body("deliveryMode", equalTo("REGULAR"));
    // A mode change alone is an update; the same mode again, or none, changes nothing.
    csv()
        .body("email,deliveryMode\nann@example.com,digest_plain\nbob@example.com,REGULAR\n")
        .post(importPath(list))
        .then()
        .body("added", equalTo(0))
        .body("updated", equalTo(1))
        .body("unchanged", equalTo(1));
    api().get(members + "ann@example.com").then().body("deliveryMode", equalTo("DIGEST_PLAIN"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("application/json")
        .body(
            "[{\"email\":\"bob@example.com\",\"name\":\"Bobby\",\"deliveryMode\":\"NOMAIL\"},"
                + "{\"email\":\"cy@example.com\",\"deliveryMode\":\"FAST\"},"
                + "{\"email\":\"ann@example.com\"}]")
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(0))
        .body("updated", equalTo(1))
        .body("unchanged", equalTo(1))
        .body("invalid[0].line", equalTo(2))
        .body("invalid[0].reason", containsString("deliveryMode must be one of"));
    api().get(members + "bob@example.com").then().body("deliveryMode", equalTo("NOMAIL"));
    api().get(members + "ann@example.com").then().body("deliveryMode", equalTo("DIGEST_PLAIN"));
  }

  @Test
  void csvHonoursTheCharsetOfContentType() {
    String list = createList("charset");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/csv; charset=ISO-8859-1")
        .body("j@example.com,J\u00f6rg\n".getBytes(StandardCharsets.ISO_8859_1))
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(1));
    api()
        .get("/api/lists/" + list + "/members/j@example.com")
        .then()
        .body("name", equalTo("J\u00f6rg"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/csv; charset=no-such-charset")
        .body("k@example.com\n".getBytes(StandardCharsets.US_ASCII))
        .post(importPath(list))
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void jsonArrayImport() {
    String list = createList("jsonimport");
    String body =
        "[{\"email\":\"x@example.com\",\"name\":\"X\"},{\"email\":\"bad\"},42,"
            + "{\"email\":\"y@example.com\"},{\"name\":\"no email\"},{\"email\":\"X@example.com\"}]";
    api()
        .body(body)
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("added", equalTo(2))
        .body("unchanged", equalTo(1))
        .body("invalid.line", org.hamcrest.Matchers.contains(2, 3, 5));
    api()
        .body(body)
        .post(importPath(list))
        .then()
        .body("added", equalTo(0))
        .body("unchanged", equalTo(3));
  }

  @Test
  void malformedImportsAre400AndKeepNothing() {
    String list = createList("badimport");
    api()
        .body("{\"email\":\"a@example.com\"}")
        .post(importPath(list))
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    api()
        .body("[{\"email\":\"a@example.com\"}] []")
        .post(importPath(list))
        .then()
        .statusCode(400)
        .body("detail", containsString("after"));
    api().body("[{\"email\":\"a@example.com\"},").post(importPath(list)).then().statusCode(400);
    csv()
        .body("ok@example.com,Ok\n\"unterminated@example.com,Never closed\n")
        .post(importPath(list))
        .then()
        .statusCode(400)
        .body("detail", containsString("line 2"));
    api().get("/api/lists/" + list).then().body("memberCount", equalTo(0));
    csv()
        .body("a@example.com\n")
        .post("/api/lists/nolist-x@lists.example/members/import")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("application/xml")
        .body("<a/>")
        .post(importPath(list))
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void exportStreamsCsvAndReimports() {
    String source = createList("exportsrc");
    csv()
        .body(
            "email,name\nq@example.com,\"Quote \"\"Q\"\", comma\"\nr@example.com,R\nS@Example.com,\n")
        .post(importPath(source))
        .then()
        .body("added", equalTo(3));
    String exported =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .get("/api/lists/" + source + "/members/export")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/csv"))
            .extract()
            .asString();
    assertEquals(
        "email,name,deliveryMode,role,status,receiveOwnPosts\r\n"
            + "q@example.com,\"Quote \"\"Q\"\", comma\",REGULAR,MEMBER,ACTIVE,true\r\n"
            + "r@example.com,R,REGULAR,MEMBER,ACTIVE,true\r\n"
            + "S@example.com,,REGULAR,MEMBER,ACTIVE,true\r\n",
        exported);
    String target = createList("exporttgt");
    csv()
        .body(exported)
        .post(importPath(target))
        .then()
        .body("added", equalTo(3))
        .body("invalid", hasSize(0));
    String again =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .get("/api/lists/" + target + "/members/export")
            .asString();
    assertEquals(exported, again);
    csv().body(exported).post(importPath(source)).then().body("unchanged", equalTo(3));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/nolist-y@lists.example/members/export")
        .then()
        .statusCode(404);
  }

  @Test
  void importsAHundredThousandRowsInOneRequest() {
    String list = createList("bulk");
    ByteArrayOutputStream file = new ByteArrayOutputStream(4 << 20);
    byte[] header = "email,name\n".getBytes(StandardCharsets.US_ASCII);
    file.write(header, 0, header.length);
    for (int i = 0; i < 100_000; i++) {
      byte[] row =
          ("user" + i + "@host" + (i % 500) + ".example,User " + i + "\n")
              .getBytes(StandardCharsets.US_ASCII);
      file.write(row, 0, row.length);
    }
    byte[] bytes = file.toByteArray();
    long start = System.nanoTime();
    JsonPath report =
        csv()
            .body(new ByteArrayInputStream(bytes))
            .post(importPath(list))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    System.out.println(
        "100,000-row CSV import (" + bytes.length + " bytes) took " + elapsedMs + " ms");
    assertEquals(100_000, report.getInt("added"));
    assertEquals(0, report.getList("invalid").size());
    api().get("/api/lists/" + list).then().body("memberCount", equalTo(100_000));
    api().get("/api/lists/" + list + "/members?size=1").then().body("total", equalTo(100_000));

    long exportStart = System.nanoTime();
    String exported =
        given()
            .header("Authorization", TestSecrets.BEARER)
            .get("/api/lists/" + list + "/members/export")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    System.out.println(
        "100,000-row CSV export took " + (System.nanoTime() - exportStart) / 1_000_000 + " ms");
    assertEquals(100_001, exported.split("\r\n").length);

    long again = System.nanoTime();
    csv()
        .body(new ByteArrayInputStream(bytes))
        .post(importPath(list))
        .then()
        .statusCode(200)
        .body("unchanged", equalTo(100_000))
        .body("added", equalTo(0));
    System.out.println(
        "100,000-row idempotent re-import took " + (System.nanoTime() - again) / 1_000_000 + " ms");
  }
}
