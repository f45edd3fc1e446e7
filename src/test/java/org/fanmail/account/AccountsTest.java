package org.fanmail.account;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.as;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.createToken;
import static org.fanmail.testing.AdminApi.createUser;
import static org.fanmail.testing.AdminApi.uniqueEmail;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * Accounts and their API tokens over REST: creation with the SPEC's shape, the 4xx problems of bad
 * input and limits, tokens shown once and stored as digests, a token acting as its account, and a
 * revoked or expired token refused with 401; passwords stored as bcrypt.
 */
@QuarkusTest
class AccountsTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void createReadPatchDeleteAnAccount() {
    String list = createList("acc");
    String email = uniqueEmail("Owner");
    api()
        .body(
            "{\"email\":\""
                + email
                + "\",\"name\":\"Ann Owner\",\"role\":\"LIST_OWNER\",\"lists\":[\""
                + list.toUpperCase()
                + "\"]}")
        .post("/api/users")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/users/"))
        .body("email", equalTo(email.toLowerCase()))
        .body("role", equalTo("LIST_OWNER"))
        .body("lists", equalTo(List.of(list)))
        .body("hasPassword", equalTo(false))
        .body("$", not(org.hamcrest.Matchers.hasKey("password")));
    api().get("/api/users/" + email).then().statusCode(200).body("name", equalTo("Ann Owner"));
    api()
        .get("/api/users?size=1000")
        .then()
        .statusCode(200)
        .body("items.email", hasItem(email.toLowerCase()));
    api()
        .body("{\"role\":\"MODERATOR\",\"name\":\"Ann\"}")
        .patch("/api/users/" + email)
        .then()
        .statusCode(200)
        .body("role", equalTo("MODERATOR"))
        .body("lists", equalTo(List.of(list)));
    api()
        .body("{\"role\":\"ADMIN\"}")
        .patch("/api/users/" + email)
        .then()
        .statusCode(200)
        .body("lists", equalTo(List.of()));
    api().delete("/api/users/" + email).then().statusCode(204);
    api().get("/api/users/" + email).then().statusCode(404);
    api().delete("/api/users/" + email).then().statusCode(404);
  }

  @Test
  void badInputIsAProblem() {
    String email = uniqueEmail("bad");
    for (String body :
        List.of(
            "{\"role\":\"ADMIN\"}",
            "{\"email\":\"not-an-address\",\"role\":\"ADMIN\"}",
            "{\"email\":\"" + email + "\"}",
            "{\"email\":\"" + email + "\",\"role\":\"ROOT\"}",
            "{\"email\":\"" + email + "\",\"role\":\"ADMIN\",\"lists\":[\"a@b.example\"]}",
            "{\"email\":\""
                + email
                + "\",\"role\":\"LIST_OWNER\",\"lists\":[\"no-such@x.example\"]}",
            "{\"email\":\"" + email + "\",\"role\":\"ADMIN\",\"name\":\"" + "n".repeat(201) + "\"}",
            "{\"email\":\"" + email + "\",\"role\":\"ADMIN\",\"password\":\"short\"}",
            "{\"email\":\""
                + email
                + "\",\"role\":\"ADMIN\",\"password\":\""
                + "p".repeat(73)
                + "\"}")) {
      api()
          .body(body)
          .post("/api/users")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    api().get("/api/users/" + email).then().statusCode(404);
    createUser(email, "ADMIN");
    api()
        .body("{\"email\":\"" + email.toUpperCase() + "\",\"role\":\"ADMIN\"}")
        .post("/api/users")
        .then()
        .statusCode(409);
    api().get("/api/users?size=0").then().statusCode(400);
  }

  @Test
  void passwordsAreStoredAsBcrypt() throws Exception {
    String email = uniqueEmail("pw");
    createUser(email, "ADMIN");
    api()
        .body("{\"password\":\"correct horse battery staple\"}")
        .put("/api/users/" + email + "/password")
        .then()
        .statusCode(204);
    String hash =
        new TestMail(dataSource).scalar("select password_hash from account where email = ?", email);
    assertTrue(hash.startsWith("$2a$12$"), hash);
    assertFalse(hash.contains("correct horse"));
    api().get("/api/users/" + email).then().body("hasPassword", equalTo(true));
    api()
        .body("{\"password\":\"tiny\"}")
        .put("/api/users/" + email + "/password")
        .then()
        .statusCode(400);
    api()
        .body("{\"password\":\"correct horse battery staple\"}")
        .put("/api/users/nobody-" + email + "/password")
        .then()
        .statusCode(404);
  }

  @Test
  void aTokenIsShownOnceStoredAsDigestAndActsAsItsAccount() throws Exception {
    String email = uniqueEmail("tok");
    createUser(email, "ADMIN");
    Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String token =
        api()
            .body("{\"name\":\"ci\",\"expiresAt\":\"" + expiry + "\"}")
            .post("/api/users/" + email + "/tokens")
            .then()
            .statusCode(201)
            .body("name", equalTo("ci"))
            .body("expiresAt", equalTo(expiry.toString()))
            .extract()
            .path("token");
    assertTrue(token.startsWith("fmt_") && token.length() == 47, token);
    TestMail rows = new TestMail(dataSource);
    assertEquals(
        "1",
        rows.scalar(
            "select count(*) from api_token where token_hash = sha256(convert_to(?, 'UTF8'))",
            token));
    assertEquals(
        "0",
        rows.scalar(
            "select count(*) from api_token where position(convert_to(?, 'UTF8') in token_hash) > 0",
            token.substring(4)));
    as(token).get("/api/lists").then().statusCode(200);
    api()
        .get("/api/users/" + email + "/tokens")
        .then()
        .statusCode(200)
        .body("[0].name", equalTo("ci"))
        .body("[0].token", nullValue())
        .body("[0].lastUsedAt", startsWith("20"));
    api().body("{\"name\":\"ci\"}").post("/api/users/" + email + "/tokens").then().statusCode(409);
    api().delete("/api/users/" + email + "/tokens/ci").then().statusCode(204);
    as(token).get("/api/lists").then().statusCode(401).header("WWW-Authenticate", "Bearer");
    api().delete("/api/users/" + email + "/tokens/ci").then().statusCode(404);
  }

  @Test
  void expiredTokensAndTokensOfDeletedAccountsAreRefused() throws Exception {
    String email = uniqueEmail("exp");
    createUser(email, "ADMIN");
    String token = createToken(email, "soon");
    as(token).get("/api/lists").then().statusCode(200);
    new TestMail(dataSource)
        .sql(
            "update api_token set expires_at = now() - interval '1 second' where account_id ="
                + " (select id from account where email = '"
                + email.toLowerCase()
                + "')");
    as(token).get("/api/lists").then().statusCode(401).contentType("application/problem+json");
    as("fmt_" + token.substring(5)).get("/api/nothing").then().statusCode(404);
    String other = uniqueEmail("gone");
    createUser(other, "ADMIN");
    String t2 = createToken(other, "x");
    api().delete("/api/users/" + other).then().statusCode(204);
    as(t2).get("/api/lists").then().statusCode(401);
  }

  @Test
  void tokenLimits() {
    String email = uniqueEmail("lim");
    createUser(email, "ADMIN");
    String tooLate = Instant.now().plus(400, ChronoUnit.DAYS).toString();
    String past = Instant.now().minus(1, ChronoUnit.MINUTES).toString();
    for (String body :
        List.of(
            "{}",
            "{\"name\":\"\"}",
            "{\"name\":\"" + "n".repeat(101) + "\"}",
            "{\"name\":\"a/b\"}",
            "{\"name\":\"x\",\"expiresAt\":\"" + tooLate + "\"}",
            "{\"name\":\"x\",\"expiresAt\":\"" + past + "\"}",
            "{\"name\":\"x\",\"expiresAt\":\"tomorrow\"}")) {
      api()
          .body(body)
          .post("/api/users/" + email + "/tokens")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    for (int i = 0; i < 20; i++) {
      createToken(email, "t" + i);
    }
    api()
        .body("{\"name\":\"one-too-many\"}")
        .post("/api/users/" + email + "/tokens")
        .then()
        .statusCode(400)
        .body("detail", containsString("at most 20"));
    api()
        .body("{\"name\":\"x\"}")
        .post("/api/users/nobody@people.example/tokens")
        .then()
        .statusCode(404);
  }
}
