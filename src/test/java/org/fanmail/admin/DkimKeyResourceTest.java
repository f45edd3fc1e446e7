package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.UUID;
import org.fanmail.dkim.DkimKeys;
import org.fanmail.dkim.SigningAlgorithm;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/dkim-keys} over HTTP on the real database: create (RSA 2048, Ed25519) with the DNS
 * record to publish, list by domain, deactivate, delete; 400, 404 and 409 as problems; the private
 * key is in no answer and only sealed in the table.
 */
@QuarkusTest
class DkimKeyResourceTest {
  @Inject AgroalDataSource dataSource;
  @Inject DkimKeys keys;

  static String domain() {
    return "k" + UUID.randomUUID().toString().substring(0, 8) + ".example.net";
  }

  @Test
  void createListDeactivateDelete() throws Exception {
    String d = domain();
    JsonPath rsa =
        api()
            .body(
                "{\"domain\":\""
                    + d.toUpperCase()
                    + "\",\"selector\":\"R2026\",\"algorithm\":\"RSA_SHA256\"}")
            .post("/api/dkim-keys")
            .then()
            .statusCode(201)
            .header("Location", org.hamcrest.Matchers.endsWith("/api/dkim-keys/" + d + "/r2026"))
            .body("domain", equalTo(d))
            .body("selector", equalTo("r2026"))
            .body("algorithm", equalTo("RSA_SHA256"))
            .body("active", equalTo(true))
            .body("dnsRecord.name", equalTo("r2026._domainkey." + d))
            .body("dnsRecord.type", equalTo("TXT"))
            .body("dnsRecord.value", startsWith("v=DKIM1; k=rsa; p="))
            .body("$", not(org.hamcrest.Matchers.hasKey("privateKey")))
            .extract()
            .jsonPath();
    String p = rsa.getString("dnsRecord.value").substring("v=DKIM1; k=rsa; p=".length());
    RSAPublicKey pub =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(p)));
    assertEquals(2048, pub.getModulus().bitLength());

    String ed =
        api()
            .body(
                "{\"domain\":\""
                    + d
                    + "\",\"selector\":\"e2026\",\"algorithm\":\"ED25519_SHA256\"}")
            .post("/api/dkim-keys")
            .then()
            .statusCode(201)
            .body("dnsRecord.value", startsWith("v=DKIM1; k=ed25519; p="))
            .extract()
            .path("dnsRecord.value");
    assertEquals(32, Base64.getDecoder().decode(ed.substring(ed.indexOf("p=") + 2)).length);

    api()
        .get("/api/dkim-keys?domain=" + d)
        .then()
        .statusCode(200)
        .body("$", hasSize(2))
        .body("[0].selector", equalTo("r2026"))
        .body("[1].selector", equalTo("e2026"));
    assertEquals(2, keys.activeFor(d).size());
    assertEquals(SigningAlgorithm.RSA_SHA256, keys.activeFor(d).get(0).algorithm());

    api()
        .body("{\"active\":false}")
        .patch("/api/dkim-keys/" + d + "/e2026")
        .then()
        .statusCode(200)
        .body("active", equalTo(false));
    assertEquals(1, keys.activeFor(d).size(), "a deactivated key does not sign");
    api()
        .body("{\"active\":true}")
        .patch("/api/dkim-keys/" + d + "/e2026")
        .then()
        .statusCode(200)
        .body("active", equalTo(true));
    assertEquals(2, keys.activeFor(d).size());

    api().delete("/api/dkim-keys/" + d + "/e2026").then().statusCode(204);
    api()
        .delete("/api/dkim-keys/" + d + "/e2026")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    api().get("/api/dkim-keys?domain=" + d).then().body("$", hasSize(1));
    assertEquals(1, keys.activeFor(d).size());
  }

  @Test
  void privateKeysAreSealedInTheTable() throws Exception {
    String d = domain();
    api()
        .body("{\"domain\":\"" + d + "\",\"selector\":\"s\",\"algorithm\":\"RSA_SHA256\"}")
        .post("/api/dkim-keys")
        .then()
        .statusCode(201);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select private_key_sealed from dkim_key where domain = ?")) {
      ps.setString(1, d);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        byte[] sealed = rs.getBytes(1);
        assertThrows(
            InvalidKeySpecException.class,
            () -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(sealed)));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  void refusalsAreProblems() {
    String d = domain();
    String body = "{\"domain\":\"" + d + "\",\"selector\":\"a\",\"algorithm\":\"RSA_SHA256\"}";
    api().body(body).post("/api/dkim-keys").then().statusCode(201);
    api()
        .body(body)
        .post("/api/dkim-keys")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("status", equalTo(409));
    for (String bad :
        new String[] {
          "{\"domain\":\"" + d + "\",\"selector\":\"bad_selector\",\"algorithm\":\"RSA_SHA256\"}",
          "{\"domain\":\""
              + d
              + "\",\"selector\":\""
              + "x".repeat(64)
              + "\",\"algorithm\":\"RSA_SHA256\"}",
          "{\"domain\":\"nodot\",\"selector\":\"a\",\"algorithm\":\"RSA_SHA256\"}",
          "{\"domain\":\"a..b\",\"selector\":\"a\",\"algorithm\":\"RSA_SHA256\"}",
          "{\"domain\":\"" + d + "\",\"selector\":\"b\",\"algorithm\":\"RSA_SHA1\"}",
          "{\"domain\":\"" + d + "\",\"selector\":\"b\"}",
        }) {
      api()
          .body(bad)
          .post("/api/dkim-keys")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    api().body("{}").patch("/api/dkim-keys/" + d + "/a").then().statusCode(400);
    api().body("{\"active\":false}").patch("/api/dkim-keys/" + d + "/nope").then().statusCode(404);
    for (int i = 1; i < 8; i++) {
      api()
          .body(
              "{\"domain\":\""
                  + d
                  + "\",\"selector\":\"s"
                  + i
                  + "\",\"algorithm\":\"ED25519_SHA256\"}")
          .post("/api/dkim-keys")
          .then()
          .statusCode(201);
    }
    api()
        .body("{\"domain\":\"" + d + "\",\"selector\":\"s9\",\"algorithm\":\"ED25519_SHA256\"}")
        .post("/api/dkim-keys")
        .then()
        .statusCode(409);
  }
}
