package org.fanmail.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/**
 * The admin REST API as tests call it: requests with the suite's admin token, and lists created the
 * way an operator creates them (through {@code POST /api/lists}, expecting 201), at addresses no
 * other test uses.
 */
public final class AdminApi {
  /** The admin token of the test configuration. */
  public static final String TOKEN = TestSecrets.ADMIN_TOKEN;

  private AdminApi() {}

  /** A request with the admin token and a JSON content type. */
  public static RequestSpecification api() {
    return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
  }

  /** A list address unique to this call, e.g. {@code t-3f2a9c1b@lists.example}. */
  public static String uniqueAddress(String prefix) {
    return uniqueAddress(prefix, "lists.example");
  }

  /** A list address unique to this call on {@code domain}, e.g. {@code t-3f2a9c1b@lists.test}. */
  public static String uniqueAddress(String prefix, String domain) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + domain;
  }

  /** Creates a list with defaults and returns its address. */
  public static String createList(String prefix) {
    return createList(uniqueAddress(prefix), "");
  }

  /**
   * Creates the list at {@code address} with {@code settings}, more members of the JSON request
   * object (e.g. {@code "postingPolicy":"OPEN"}, may be empty); returns the address.
   */
  public static String createList(String address, String settings) {
    String body =
        "{\"address\":\"" + address + "\"" + (settings.isEmpty() ? "" : "," + settings) + "}";
    api().body(body).post("/api/lists").then().statusCode(201);
    return address;
  }

  /** An account email unique to this call. */
  public static String uniqueEmail(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@people.example";
  }

  /** Creates an account with {@code role} holding {@code lists}; returns its email. */
  public static String createUser(String email, String role, String... lists) {
    StringBuilder body =
        new StringBuilder("{\"email\":\"" + email + "\",\"role\":\"" + role + "\"");
    body.append(",\"lists\":[");
    for (int i = 0; i < lists.length; i++) {
      body.append(i == 0 ? "" : ",").append('"').append(lists[i]).append('"');
    }
    body.append("]}");
    api().body(body.toString()).post("/api/users").then().statusCode(201);
    return email;
  }

  /** Makes an API token for the account {@code email} and returns it (shown once). */
  public static String createToken(String email, String name) {
    return api()
        .body("{\"name\":\"" + name + "\"}")
        .post("/api/users/" + email + "/tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }

  /** A request with an account's token and a JSON content type. */
  public static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
  }
}
