package org.fanmail.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors JAX-RS raises itself (unknown path 404, wrong method 405, unsupported media type 415, not
 * acceptable 406, unreadable body 400) as problem+json with the original status. A wrapped Jackson
 * failure is described like the JSON mappers do; a 5xx keeps its status but shows no internals.
 */
@Provider
public class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    if (e.getCause() instanceof JsonProcessingException json) {
      return JsonProblems.response(json);
    }
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    Response.StatusType type = Response.Status.fromStatusCode(status);
    String title = type == null ? "HTTP " + status : type.getReasonPhrase();
    String detail =
        switch (status) {
          case 404 -> "no such resource";
          case 405 -> "this resource does not support that method";
          case 406 -> "this resource cannot produce the media type asked for in Accept";
          case 415 -> "this resource does not accept that Content-Type";
          default -> status >= 500 ? "the server failed to process the request" : title;
        };
    Response problem = Problem.response(status, kebab(title), title, detail);
    if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
      return Response.fromResponse(problem)
          .header("Allow", e.getResponse().getHeaderString("Allow"))
          .build();
    }
    return problem;
  }

  private static String kebab(String title) {
    return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }
}
