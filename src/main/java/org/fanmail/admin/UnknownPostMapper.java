package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.fanmail.queue.UnknownPostException;

/** An unknown post, or a post named under a list it does not belong to: 404 problem. */
@Provider
public class UnknownPostMapper implements ExceptionMapper<UnknownPostException> {
  @Override
  public Response toResponse(UnknownPostException e) {
    return Problem.response(404, "not-found", "Not Found", e.getMessage());
  }
}
