package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An unknown list or member: 404 problem naming what was looked for. */
@Provider
public class UnknownEntityMapper
    implements ExceptionMapper<org.fanmail.list.UnknownEntityException> {
  @Override
  public Response toResponse(org.fanmail.list.UnknownEntityException e) {
    return Problem.response(404, "not-found", "Not Found", e.getMessage());
  }
}
