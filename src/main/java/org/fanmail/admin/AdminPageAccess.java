package org.fanmail.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.LoginResource;
import org.fanmail.account.Principal;
import org.fanmail.account.WebSession;
import org.fanmail.account.WebSessions;

/**
 * Access to the web admin under {@code /admin}: the login page, {@code /admin/static/} and the OIDC
 * login {@code /admin/oidc/login} (guarded by quarkus-oidc) are open; everything else needs the
 * bootstrap or an account bearer token (checked by {@link AdminTokenFilter}) or a valid session
 * cookie. Without either, a browser asking for HTML is sent to {@code /admin/login?next=…} (303),
 * anything else gets 401. A session's principal is looked up after matching (worker thread), and an
 * unsafe request with a session must carry the session's CSRF token, in the header {@code
 * X-CSRF-Token}, the form field {@code csrf} of a urlencoded body (at most {@value #MAX_FORM_BYTES}
 * bytes) or, for a multipart upload only, the query parameter {@code csrf} of its action URL;
 * otherwise 403. Bearer requests carry no ambient credential and need no CSRF token.
 */
@ApplicationScoped
public class AdminPageAccess {
  /** Request property: the session cookie's value, seen before matching, looked up after it. */
  static final String SESSION = "fanmail.session";

  static final int MAX_FORM_BYTES = 1 << 20;

  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  private final WebSessions sessions;
  private final CurrentPrincipal principal;
  private final WebSession webSession;

  public AdminPageAccess(WebSessions sessions, CurrentPrincipal principal, WebSession webSession) {
    this.sessions = sessions;
    this.principal = principal;
    this.webSession = webSession;
  }

  /** Before matching, for an {@code /admin} request without an Authorization header. */
  Response beforeMatching(ContainerRequestContext request) {
    if (isOpen(request.getUriInfo().getPath())) {
      return null;
    }
    Cookie cookie = request.getCookies().get(LoginResource.COOKIE);
    if (cookie != null && cookie.getValue() != null && !cookie.getValue().isEmpty()) {
      request.setProperty(SESSION, cookie.getValue());
      return null;
    }
    return loginRequired(request);
  }

  /** After matching: the noted session's principal and the CSRF check; null to go on. */
  Response afterMatching(ContainerRequestContext request) throws SQLException {
    Object noted = request.getProperty(SESSION);
    if (noted == null) {
      return null;
    }
    request.removeProperty(SESSION);
    String id = (String) noted;
    Optional<Principal> p = sessions.principal(id);
    if (p.isEmpty()) {
      return loginRequired(request);
    }
    principal.set(p.get());
    webSession.open(id);
    if (SAFE.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
      return null;
    }
    String expected = webSession.csrfToken().orElseThrow();
    String given = request.getHeaderString("X-CSRF-Token");
    if (given == null) {
      given = formField(request, "csrf");
    }
    if (given == null && isMultipart(request)) {
      // A file upload form cannot set a header and its body is not read here: its token rides in
      // the form's action URL (never logged by fanmail; pages send no Referer, see
      // PublicPageHeaders).
      given = request.getUriInfo().getQueryParameters().getFirst("csrf");
    }
    if (given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      return null;
    }
    return Problem.response(
        403,
        "csrf",
        "Forbidden",
        "this change needs the session's CSRF token (form field csrf or header X-CSRF-Token)");
  }

  /**
   * The login page, static assets and the OIDC login need no login; the OIDC login is guarded by
   * quarkus-oidc's code flow instead, and answers 404 to anyone it did not authenticate.
   */
  static boolean isOpen(String path) {
    String p = AdminTokenFilter.normalized(path);
    return p.equals("/admin/login")
        || p.equals("/admin/oidc/login")
        || p.startsWith("/admin/static/");
  }

  private static Response loginRequired(ContainerRequestContext request) {
    String accept = request.getHeaderString(HttpHeaders.ACCEPT);
    boolean browser =
        SAFE.contains(request.getMethod().toUpperCase(Locale.ROOT))
            && accept != null
            && accept.toLowerCase(Locale.ROOT).contains(MediaType.TEXT_HTML);
    if (browser) {
      URI uri = request.getUriInfo().getRequestUri();
      String here = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String next = LoginResource.localNext(here);
      return Response.seeOther(
              URI.create("/admin/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)))
          .header("Cache-Control", "no-store")
          .build();
    }
    return AdminTokenFilter.unauthorized(
        "this page needs a login (session cookie) or Authorization: Bearer <token>");
  }

  private static boolean isMultipart(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    return type != null && type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE);
  }

  /** A field of a urlencoded body, the body put back for the resource; null when absent. */
  private static String formField(ContainerRequestContext request, String name) {
    MediaType type = request.getMediaType();
    if (type == null || !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
      return null;
    }
    byte[] body;
    try (InputStream in = request.getEntityStream()) {
      body = in.readNBytes(MAX_FORM_BYTES + 1);
    } catch (IOException e) {
      return null;
    }
    request.setEntityStream(new ByteArrayInputStream(body));
    if (body.length > MAX_FORM_BYTES) {
      return null;
    }
    for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        try {
          return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
