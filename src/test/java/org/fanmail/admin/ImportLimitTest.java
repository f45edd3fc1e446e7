package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.fanmail.testing.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * {@code fanmail.admin.max-import-rows}: an import at the cap is taken, one row past it is a 413
 * problem naming the key, and nothing of the refused import is kept (one transaction).
 */
@QuarkusTest
@TestProfile(ImportLimitTest.SmallImports.class)
class ImportLimitTest {

  /** A cap of five rows. */
  public static class SmallImports implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fanmail.admin.max-import-rows", "5");
    }
  }

  @Test
  void importsUpToTheCapAndRefusesPastIt() {
    String list = createList("cap");
    String path = "/api/lists/" + list + "/members/import";
    StringBuilder five = new StringBuilder("email,name\n");
    for (int i = 0; i < 5; i++) {
      five.append("r").append(i).append("@example.com,R\n");
    }
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/csv")
        .body(five.toString())
        .post(path)
        .then()
        .statusCode(200)
        .body("added", equalTo(5));
    String six = five + "extra@example.com,E\n";
    String otherList = createList("cap");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/csv")
        .body(six)
        .post("/api/lists/" + otherList + "/members/import")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("fanmail.admin.max-import-rows"));
    api().get("/api/lists/" + otherList).then().body("memberCount", equalTo(0));
  }

  /** The migration imports share the cap: skipped rows (listmonk's blocklisted) count too. */
  @Test
  void migrationImportsShareTheCap() {
    String list = createList("capmig");
    StringBuilder six = new StringBuilder("uuid,email,name,attributes,status\n");
    for (int i = 0; i < 6; i++) {
      six.append("u").append(i).append(",m").append(i).append("@example.com,M,{},");
      six.append(i == 0 ? "enabled" : "blocklisted").append('\n');
    }
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("text/csv")
        .body(six.toString())
        .post("/api/lists/" + list + "/import/listmonk")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("fanmail.admin.max-import-rows"));
    StringBuilder entries = new StringBuilder("{\"members\": {\"entries\": [");
    for (int i = 0; i < 6; i++) {
      entries
          .append(i == 0 ? "" : ",")
          .append("{\"email\": \"j")
          .append(i)
          .append("@example.com\"}");
    }
    entries.append("]}}");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .contentType("application/json")
        .body(entries.toString())
        .post("/api/lists/" + list + "/import/mailman")
        .then()
        .statusCode(413);
    api().get("/api/lists/" + list).then().body("memberCount", equalTo(0));
  }
}
