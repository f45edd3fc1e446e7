package org.fanmail.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The same security headers on every page outside {@code /api} ({@code /unsubscribe/*}, {@code
 * /confirm/*}, {@code /moderate/*} and whatever public page comes next), whatever its status: the
 * pages carry a credential in their URL, so they are never cached, never framed (a framed one-click
 * button is a clickjacking target), never leak their address as a referrer, load nothing from
 * anywhere and post their forms only to themselves. Set here once so that a new page cannot forget
 * them; a resource's own value for one of these headers is replaced, not doubled.
 */
public class PublicPageHeaders {
  /** The pages need only their inline style and a form posting back to themselves. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";

  /**
   * The web admin ({@code /admin/}) loads its one style sheet and one script from itself and polls
   * its own JSON; still no inline script or style, nothing from elsewhere, no framing.
   */
  static final String ADMIN_CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  @ServerResponseFilter
  public void addHeaders(ContainerRequestContext request, ContainerResponseContext response) {
    if (isAdminApi(request.getUriInfo().getPath())) {
      return;
    }
    MultivaluedMap<String, Object> headers = response.getHeaders();
    headers.putSingle(
        "Content-Security-Policy",
        isWebAdmin(request.getUriInfo().getPath())
            ? ADMIN_CONTENT_SECURITY_POLICY
            : CONTENT_SECURITY_POLICY);
    headers.putSingle("X-Frame-Options", "DENY");
    headers.putSingle("Referrer-Policy", "no-referrer");
    headers.putSingle("X-Content-Type-Options", "nosniff");
    headers.putSingle("Cache-Control", "no-store");
  }

  /**
   * True when the first path segment is {@code api} in any spelling (the admin API answers JSON and
   * keeps its own headers). Anything else, odd spellings included, gets the headers: one set too
   * many is harmless, one missing is not.
   */
  static boolean isAdminApi(String path) {
    return "api".equals(firstSegment(path));
  }

  /** True when the first path segment is {@code admin} in any spelling. */
  static boolean isWebAdmin(String path) {
    return "admin".equals(firstSegment(path));
  }

  /** The first non-empty path segment, lower-cased without matrix parameters; null when none. */
  private static String firstSegment(String path) {
    if (path == null) {
      return null;
    }
    for (String raw : path.split("/")) {
      int matrix = raw.indexOf(';');
      String segment = (matrix >= 0 ? raw.substring(0, matrix) : raw).strip();
      if (!segment.isEmpty() && !segment.equals(".")) {
        return segment.toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }
}
