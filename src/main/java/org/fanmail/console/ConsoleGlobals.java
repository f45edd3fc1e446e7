package org.fanmail.console;

import io.quarkus.qute.TemplateGlobal;

/**
 * Values every web admin template may use without being handed them. {@code {csrf}} is the value of
 * the hidden {@code csrf} field each form posting to {@code /admin/} carries: empty while the
 * bootstrap bearer token (which a cross-site form cannot send) is the only way in, the session's
 * token once login sessions exist.
 */
@TemplateGlobal
public class ConsoleGlobals {
  private ConsoleGlobals() {}

  /** The CSRF token of the current session; empty until sessions exist. */
  public static String csrf() {
    return "";
  }
}
