package org.fanmail.account;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.fanmail.list.InvalidInputException;

/**
 * The optional OpenID Connect login: {@code GET /admin/oidc/login} sits behind quarkus-oidc's
 * authorization code flow (the HTTP permission {@code oidc-login} in application.properties, on
 * this path only), so by the time it runs the provider's ID token is verified. Its {@code email}
 * (with {@code email_verified} true when that claim is present) must be an existing account's: then
 * fanmail's own session is opened exactly as {@link LoginResource} opens one, and quarkus-oidc's
 * session cookie is dropped. No account, an unverified or missing email: 403 and no session; no
 * account is ever created here and the role stays the account's. With no provider configured nobody
 * is authenticated here and the path answers 404.
 */
@Path("/admin/oidc")
public class OidcLoginResource {
  /** quarkus-oidc's session cookie of the default tenant, limited to this path (cookie-path). */
  static final String OIDC_SESSION_COOKIE = "q_session";

  static final String COOKIE_PATH = "/admin/oidc";

  private final WebSessions sessions;
  private final Accounts accounts;
  private final SecurityIdentity identity;

  public OidcLoginResource(WebSessions sessions, Accounts accounts, SecurityIdentity identity) {
    this.sessions = sessions;
    this.accounts = accounts;
    this.identity = identity;
  }

  /** Whether the operator configured a provider: the login page shows its link only then. */
  public static boolean configured() {
    var config = ConfigProvider.getConfig();
    return config.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(false)
        && config.getOptionalValue("quarkus.oidc.auth-server-url", String.class).isPresent();
  }

  @GET
  @Operation(hidden = true)
  @Path("/login")
  @Produces(MediaType.TEXT_HTML)
  public Response login(@QueryParam("next") String next, @Context UriInfo uri) throws SQLException {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
      return LoginResource.page(
          404, LoginPage.message("Not found", "Login through an identity provider is not set up."));
    }
    Optional<Account> account = account(token);
    if (account.isEmpty()) {
      return refused(uri);
    }
    WebSessions.Opened opened = sessions.openWithoutPassword(account.get().id());
    long seconds = Duration.between(Instant.now(), opened.expiresAt()).toSeconds();
    String target = LoginResource.localNext(next);
    // A 200 page that moves on by itself, not a 303: this response ends a redirect chain that
    // began at the provider's site, and browsers send no SameSite=Strict cookie on a cross-site
    // chain, so a redirect would arrive at /admin/ without the session just set.
    return Response.fromResponse(LoginResource.page(200, LoginPage.continueTo(target)))
        .cookie(
            LoginResource.cookie(
                opened.sessionId(), (int) Math.max(seconds, 1), LoginResource.isTls(uri)))
        .cookie(dropOidcSession(uri))
        .build();
  }

  /** The account of the token's verified email, if any. */
  private Optional<Account> account(JsonWebToken token) throws SQLException {
    Object email = token.getClaim("email");
    if (!(email instanceof String address) || address.isBlank()) {
      return Optional.empty();
    }
    if (token.containsClaim("email_verified") && !isTrue(token.getClaim("email_verified"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(accounts.get(address));
    } catch (UnknownAccountException | InvalidInputException e) {
      return Optional.empty();
    }
  }

  private static boolean isTrue(Object claim) {
    // JSON true arrives as a Boolean or a JsonValue, depending on how the claims were parsed.
    return claim != null && "true".equalsIgnoreCase(String.valueOf(claim).strip());
  }

  private static Response refused(UriInfo uri) {
    return Response.fromResponse(
            LoginResource.page(
                403,
                LoginPage.message(
                    "No fanmail account",
                    "Your identity provider vouched for you, but no fanmail account has that"
                        + " verified email address. Ask a fanmail administrator for an account.")))
        .cookie(dropOidcSession(uri))
        .build();
  }

  private static NewCookie dropOidcSession(UriInfo uri) {
    return new NewCookie.Builder(OIDC_SESSION_COOKIE)
        .value("")
        .path(COOKIE_PATH)
        .httpOnly(true)
        .secure(LoginResource.isTls(uri))
        .maxAge(0)
        .build();
  }
}
