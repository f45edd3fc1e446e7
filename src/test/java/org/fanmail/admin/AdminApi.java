package org.fanmail.admin;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Locale;
import java.util.UUID;
import org.fanmail.testing.TestSecrets;

/** Test shorthand: authorized requests and list addresses no other test uses. */
final class AdminApi {
  static final String TOKEN = TestSecrets.ADMIN_TOKEN;

  private AdminApi() {}

  /** A request with the admin token and a JSON content type. */
  static RequestSpecification api() {
    return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
  }

  /** A list address unique to this call, e.g. {@code t-3f2a9c1b@lists.example}. */
  static String uniqueAddress(String prefix) {
    return prefix
        + "-"
        + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT)
        + "@lists.example";
  }

  /** Creates a list with defaults and returns its address. */
  static String createList(String prefix) {
    String address = uniqueAddress(prefix);
    api().body("{\"address\":\"" + address + "\"}").post("/api/lists").then().statusCode(201);
    return address;
  }
}
