package org.fanmail.console;

import io.quarkus.arc.Arc;
import io.quarkus.qute.TemplateGlobal;
import org.fanmail.account.WebSession;

/**
 * Values every web admin template may use without being handed them. {@code {csrf}} is the value of
 * the hidden {@code csrf} field each form posting to {@code /admin/} carries: the login session's
 * token ({@link WebSession#csrfToken}), empty for a caller with a bearer token (which a cross-site
 * form cannot send, so it needs none).
 */
@TemplateGlobal
public class ConsoleGlobals {
  private ConsoleGlobals() {}

  /** The CSRF token of the current session; empty without one. */
  public static String csrf() {
    return Arc.container().instance(WebSession.class).get().csrfToken().orElse("");
  }
}
