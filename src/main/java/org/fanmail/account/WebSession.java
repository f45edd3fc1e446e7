package org.fanmail.account;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The web admin session of the request being served, beside {@link CurrentPrincipal}: set by the
 * authentication filter when a browser came with a valid session cookie, empty for bearer-token
 * requests and public pages. Pages put {@link #csrfToken()} into every form that changes something
 * (field {@code csrf}) or into the header {@code X-CSRF-Token} of scripted requests; an unsafe
 * request under {@code /admin/} with a session but without the token is refused with 403.
 */
@RequestScoped
public class WebSession {
  private String csrfToken;

  /** True when the request came with a valid session cookie. */
  public boolean active() {
    return csrfToken != null;
  }

  /** The session's CSRF token; empty without a session (bearer-token requests need none). */
  public Optional<String> csrfToken() {
    return Optional.ofNullable(csrfToken);
  }

  /** Called by the filter once the session is known. */
  public void open(String sessionId) {
    this.csrfToken = WebSessions.csrfToken(sessionId);
  }
}
