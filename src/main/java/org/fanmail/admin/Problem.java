package org.fanmail.admin;

import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document, the body of every error the admin API answers. {@code type} is a
 * stable URN per error kind that clients can switch on; {@code detail} tells the caller what to fix
 * and never carries stack traces, SQL or class names.
 */
public record Problem(String type, String title, int status, String detail) {
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The response carrying a problem of kind {@code kind} (e.g. {@code not-found}). */
  public static Response response(int status, String kind, String title, String detail) {
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(new Problem("urn:fanmail:problem:" + kind, title, status, detail))
        .build();
  }
}
