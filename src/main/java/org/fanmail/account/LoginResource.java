package org.fanmail.account;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.fanmail.mail.ClientNetwork;

/**
 * The web admin's login and logout: {@code GET /admin/login} shows the form, {@code POST
 * /admin/login} checks email and password through {@link WebSessions} and answers 303 to {@code
 * next} (a local {@code /admin} path only, else {@code /admin/}) with the session cookie {@value
 * #COOKIE} ({@code HttpOnly}, {@code SameSite=Strict}, {@code Path=/admin}, {@code Secure} when the
 * request came over TLS); a failure shows the form again with one generic text (401, or 429 past
 * the attempt limits). When an identity provider is configured the form also links to {@link
 * OidcLoginResource}. {@code POST /admin/logout} ends the session (it needs the CSRF token, like
 * every unsafe request under {@code /admin/}) and clears the cookie.
 */
@Path("/admin")
public class LoginResource {
  /** The name of the session cookie. */
  public static final String COOKIE = "fanmail_session";

  static final int MAX_FIELD_CHARS = 1000;

  private final WebSessions sessions;
  private final boolean oidc;

  public LoginResource(WebSessions sessions) {
    this.sessions = sessions;
    this.oidc = OidcLoginResource.configured();
  }

  @GET
  @Operation(hidden = true)
  @Path("/login")
  @Produces(MediaType.TEXT_HTML)
  public Response form(@QueryParam("next") String next) {
    return page(200, LoginPage.form(localNext(next), null, oidc));
  }

  @POST
  @Operation(hidden = true)
  @Path("/login")
  @Produces(MediaType.TEXT_HTML)
  public Response login(
      @FormParam("email") String email,
      @FormParam("password") String password,
      @FormParam("next") String next,
      @Context UriInfo uri,
      @Context HttpServerRequest http)
      throws SQLException {
    String target = localNext(next);
    if (email == null
        || password == null
        || email.length() > MAX_FIELD_CHARS
        || password.length() > MAX_FIELD_CHARS) {
      return page(400, LoginPage.form(target, LoginPage.FAILED, oidc));
    }
    String ip =
        http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    WebSessions.Login result = sessions.login(email, password, ClientNetwork.of(ip));
    if (result instanceof WebSessions.Opened opened) {
      long seconds = Duration.between(Instant.now(), opened.expiresAt()).toSeconds();
      return Response.seeOther(URI.create(target))
          .cookie(cookie(opened.sessionId(), (int) Math.max(seconds, 1), isTls(uri)))
          .header("Cache-Control", "no-store")
          .build();
    }
    int status = result instanceof WebSessions.Limited ? 429 : 401;
    return page(status, LoginPage.form(target, LoginPage.FAILED, oidc));
  }

  @POST
  @Operation(hidden = true)
  @Path("/logout")
  public Response logout(@CookieParam(COOKIE) String session, @Context UriInfo uri)
      throws SQLException {
    sessions.logout(session);
    return Response.seeOther(URI.create("/admin/login"))
        .cookie(cookie("", 0, isTls(uri)))
        .header("Cache-Control", "no-store")
        .build();
  }

  /** {@code next} when it is a local path under {@code /admin}, else {@code /admin/}. */
  public static String localNext(String next) {
    if (next == null
        || next.length() > 2000
        || !(next.equals("/admin") || next.startsWith("/admin/") || next.startsWith("/admin?"))
        || next.startsWith("/admin/login")
        || next.contains("\\")
        || next.contains("//")
        || next.contains("/../")
        || next.endsWith("/..")
        || next.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
      return "/admin/";
    }
    return next;
  }

  static boolean isTls(UriInfo uri) {
    return uri != null && "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
  }

  static NewCookie cookie(String value, int maxAge, boolean secure) {
    return new NewCookie.Builder(COOKIE)
        .value(value)
        .path("/admin")
        .httpOnly(true)
        .secure(secure)
        .sameSite(NewCookie.SameSite.STRICT)
        .maxAge(maxAge)
        .build();
  }

  static Response page(int status, String html) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(html)
        .header("Cache-Control", "no-store")
        .header(
            "Content-Security-Policy",
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .build();
  }
}
