package org.fanmail.account;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A small real OpenID provider on loopback for {@link OidcLoginTest}: discovery, {@code /authorize}
 * (wants scopes openid and email; redirects straight back with a one-time code and the state, as if
 * the user had logged in as {@link #nextLogin}), {@code /token} (checks the client's secret and the
 * code, answers an RS256 ID token) and {@code /jwks} (the public half of {@link #KEY} only). A
 * login may ask for its token to be signed by {@link #FOREIGN_KEY} instead, which the JWKS does not
 * publish. Started before Quarkus; its URL goes into the {@code quarkus.oidc.*} overrides.
 */
public class TestOpenIdProvider implements QuarkusTestResourceLifecycleManager {
  static final String CLIENT_ID = "fanmail-test";
  static final String SECRET = "test-client-secret-0123456789abcdef";
  static final RsaJsonWebKey KEY = key("test-key");

  /** Same key id, another key: what an impostor would sign with. */
  static final RsaJsonWebKey FOREIGN_KEY = key("test-key");

  /** Who logs in at the next {@code /authorize}: claims and the key to sign with. */
  record Login(String email, Boolean emailVerified, RsaJsonWebKey signer) {}

  static volatile Login nextLogin;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<String, Login> CODES = new ConcurrentHashMap<>();
  private HttpServer server;
  private static volatile String issuer;

  private static RsaJsonWebKey key(String kid) {
    try {
      RsaJsonWebKey k = RsaJwkGenerator.generateJwk(2048);
      k.setKeyId(kid);
      k.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
      k.setUse("sig");
      return k;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/authorize", this::authorize);
    server.createContext("/token", this::token);
    server.createContext("/jwks", this::jwks);
    server.start();
    Map<String, String> config = new HashMap<>();
    config.put("quarkus.oidc.tenant-enabled", "true");
    config.put("quarkus.oidc.auth-server-url", issuer);
    config.put("quarkus.oidc.client-id", CLIENT_ID);
    config.put("quarkus.oidc.credentials.secret", SECRET);
    return config;
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void discovery(HttpExchange ex) throws IOException {
    send(
        ex,
        200,
        "application/json",
        "{\"issuer\":\""
            + issuer
            + "\",\"authorization_endpoint\":\""
            + issuer
            + "/authorize\",\"token_endpoint\":\""
            + issuer
            + "/token\",\"jwks_uri\":\""
            + issuer
            + "/jwks\",\"response_types_supported\":[\"code\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = form(ex.getRequestURI().getRawQuery());
    Login login = nextLogin;
    if (login == null
        || !CLIENT_ID.equals(q.get("client_id"))
        || !"code".equals(q.get("response_type"))
        || !List.of(q.getOrDefault("scope", "").split(" ")).containsAll(List.of("openid", "email"))
        || q.get("redirect_uri") == null) {
      send(ex, 400, "text/plain", "bad authorization request");
      return;
    }
    String code = random();
    CODES.put(code, login);
    String back =
        q.get("redirect_uri")
            + (q.get("redirect_uri").contains("?") ? "&" : "?")
            + "code="
            + code
            + "&state="
            + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Location", back);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> body =
        form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    boolean client =
        expected.equals(basic)
            || (CLIENT_ID.equals(body.get("client_id"))
                && SECRET.equals(body.get("client_secret")));
    Login login = body.get("code") == null ? null : CODES.remove(body.get("code"));
    if (!client || login == null || !"authorization_code".equals(body.get("grant_type"))) {
      send(ex, 400, "application/json", "{\"error\":\"invalid_grant\"}");
      return;
    }
    try {
      JwtClaims claims = new JwtClaims();
      claims.setIssuer(issuer);
      claims.setAudience(CLIENT_ID);
      claims.setSubject("subject-" + login.email());
      claims.setIssuedAtToNow();
      claims.setExpirationTimeMinutesInTheFuture(5);
      claims.setGeneratedJwtId();
      claims.setClaim("email", login.email());
      if (login.emailVerified() != null) {
        claims.setClaim("email_verified", login.emailVerified());
      }
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(login.signer().getPrivateKey());
      jws.setKeyIdHeaderValue(login.signer().getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      send(
          ex,
          200,
          "application/json",
          "{\"access_token\":\""
              + random()
              + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
              + jws.getCompactSerialization()
              + "\"}");
    } catch (JoseException e) {
      send(ex, 500, "text/plain", e.toString());
    }
  }

  private void jwks(HttpExchange ex) throws IOException {
    send(ex, 200, "application/json", new JsonWebKeySet(KEY).toJson());
  }

  private static String random() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static Map<String, String> form(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  /** The query of a Location header as a map. */
  static Map<String, String> query(String location) {
    return form(URI.create(location).getRawQuery());
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
