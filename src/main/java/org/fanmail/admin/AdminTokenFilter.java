package org.fanmail.admin;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import org.fanmail.account.ApiTokens;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.SecretsCheck;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every JAX-RS request whose path lies under {@code /api} (and, with {@link
 * AdminPageAccess}, the web admin under {@code /admin}): without {@code Authorization: Bearer
 * <token>} the answer is 401 problem+json with {@code WWW-Authenticate: Bearer}. The token is the
 * bootstrap {@code fanmail.admin.token} (ADMIN) or an account's API token ({@code fmt_…}, see
 * {@link ApiTokens}); an unknown, revoked or expired one is a 401 too. Once the caller is known,
 * {@link ApiScopes} decides whether it may call the matched operation (403 problem otherwise).
 *
 * <p>Two steps, because the first runs on the event loop: before resource matching (so unknown
 * {@code /api} paths are covered without any annotation) the header is checked and the bootstrap
 * token compared; an account token is only noted, and looked up in the database after matching, on
 * the worker thread the operation runs on. The path is normalized first (case, repeated slashes,
 * dot segments, matrix parameters) so no spelling of an {@code /api} path slips past. The bootstrap
 * token is compared as a SHA-256 digest with {@link MessageDigest#isEqual}, in constant time.
 */
public class AdminTokenFilter {
  /** Request property: an account token seen before matching, to be looked up after it. */
  static final String ACCOUNT_TOKEN = "fanmail.account-token";

  private final byte[] expectedDigest;
  private final CurrentPrincipal principal;
  private final ApiTokens tokens;
  private final ApiAuthorization authorization;
  private final AdminPageAccess pages;

  public AdminTokenFilter(
      FanmailConfig config,
      CurrentPrincipal principal,
      ApiTokens tokens,
      ApiAuthorization authorization,
      AdminPageAccess pages) {
    this.expectedDigest = ApiTokens.digest(SecretsCheck.requireAdminToken(config.admin().token()));
    this.principal = principal;
    this.tokens = tokens;
    this.authorization = authorization;
    this.pages = pages;
  }

  @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
  public Response checkToken(ContainerRequestContext request) {
    String first = firstSegment(request.getUriInfo().getPath());
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if ("admin".equals(first) && (header == null || header.isBlank())) {
      return pages.beforeMatching(request);
    }
    if (!"api".equals(first) && !"admin".equals(first)) {
      return null;
    }
    if (header == null || header.isBlank()) {
      return unauthorized("this call needs the header Authorization: Bearer <token>");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return unauthorized("the Authorization header must use the Bearer scheme");
    }
    String token = header.substring(7).strip();
    if (MessageDigest.isEqual(expectedDigest, ApiTokens.digest(token))) {
      principal.set(Principal.bootstrap());
      return null;
    }
    if (token.startsWith(ApiTokens.PREFIX)) {
      request.setProperty(ACCOUNT_TOKEN, token);
      return null;
    }
    return unauthorized("the bearer token is not valid");
  }

  /**
   * After matching, on the operation's worker thread: the account token noted before matching is
   * looked up, then the operation's scope decided. Runs for every matched resource method.
   */
  @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
  public Response authorize(ContainerRequestContext request, ResourceInfo resource)
      throws SQLException {
    Object token = request.getProperty(ACCOUNT_TOKEN);
    if (token != null) {
      request.removeProperty(ACCOUNT_TOKEN);
      Optional<Principal> account = tokens.authenticate((String) token);
      if (account.isEmpty()) {
        return unauthorized("the bearer token is not valid, expired or revoked");
      }
      principal.set(account.get());
    }
    Response page = pages.afterMatching(request);
    if (page != null) {
      return page;
    }
    if (!isAdminPath(request.getUriInfo().getPath())) {
      return null;
    }
    Principal p = principal.get().orElse(null);
    if (p == null) {
      // The first step lets no /api request through without a principal or a noted token.
      return unauthorized("this call needs the header Authorization: Bearer <token>");
    }
    return authorization.decide(p, request, resource).orElse(null);
  }

  static Response unauthorized(String detail) {
    Response problem = Problem.response(401, "unauthorized", "Unauthorized", detail);
    return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
  }

  /** True when {@code path}, once normalized, is {@code /api} or lies under it. */
  static boolean isAdminPath(String path) {
    return "api".equals(firstSegment(path));
  }

  /** The first segment of {@code path} once normalized (lower case), or null for the root. */
  static String firstSegment(String path) {
    Deque<String> segments = segments(path);
    return segments.peekFirst();
  }

  /** {@code path} normalized: lower case, no empty or dot segments, no matrix parameters. */
  static String normalized(String path) {
    return "/" + String.join("/", segments(path));
  }

  private static Deque<String> segments(String path) {
    Deque<String> segments = new ArrayDeque<>();
    if (path == null) {
      return segments;
    }
    for (String raw : path.split("/")) {
      int matrix = raw.indexOf(';');
      String segment = (matrix >= 0 ? raw.substring(0, matrix) : raw).strip();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment.toLowerCase(Locale.ROOT));
      }
    }
    return segments;
  }
}
