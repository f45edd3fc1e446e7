package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A list or member that already exists (case-insensitively): 409 problem. */
@Provider
public class DuplicateMapper implements ExceptionMapper<org.fanmail.list.DuplicateException> {
  @Override
  public Response toResponse(org.fanmail.list.DuplicateException e) {
    return Problem.response(409, "conflict", "Conflict", e.getMessage());
  }
}
