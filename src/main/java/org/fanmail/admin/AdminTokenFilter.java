package org.fanmail.admin;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.SecretsCheck;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every JAX-RS request whose path lies under {@code /api} or {@code /admin} (the web admin's
 * pages): without {@code Authorization: Bearer <fanmail.admin.token>} the answer is 401
 * problem+json with {@code WWW-Authenticate: Bearer}. It runs before resource matching, so
 * resources added later under {@code /api} and unknown {@code /api} paths are covered without any
 * annotation.
 *
 * <p>The path is normalized first (case, repeated slashes, dot segments, matrix parameters) so no
 * spelling of an {@code /api} path slips past. Tokens are compared as SHA-256 digests with {@link
 * MessageDigest#isEqual}, in constant time and without revealing the token's length.
 */
public class AdminTokenFilter {
  private final byte[] expectedDigest;

  private final CurrentPrincipal principal;

  public AdminTokenFilter(FanmailConfig config, CurrentPrincipal principal) {
    this.expectedDigest = digest(SecretsCheck.requireAdminToken(config.admin().token()));
    this.principal = principal;
  }

  @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
  public Response checkToken(ContainerRequestContext request) {
    if (!isAdminPath(request.getUriInfo().getPath())) {
      return null;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String detail;
    if (header == null || header.isBlank()) {
      detail = "this call needs the header Authorization: Bearer <fanmail.admin.token>";
    } else if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      detail = "the Authorization header must use the Bearer scheme";
    } else if (!MessageDigest.isEqual(expectedDigest, digest(header.substring(7).strip()))) {
      detail = "the bearer token is not valid";
    } else {
      principal.set(Principal.bootstrap());
      return null;
    }
    Response problem = Problem.response(401, "unauthorized", "Unauthorized", detail);
    return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
  }

  /**
   * True when {@code path}, once normalized, is {@code /api} or {@code /admin} or lies under one.
   */
  static boolean isAdminPath(String path) {
    if (path == null) {
      return false;
    }
    Deque<String> segments = new ArrayDeque<>();
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
    String first = segments.peekFirst();
    // /admin: the web admin's pages, guarded by the same token until login sessions exist.
    return "api".equals(first) || "admin".equals(first);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
