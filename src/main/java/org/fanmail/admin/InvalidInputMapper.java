package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Input that breaks a list or member rule (length, reserved suffix, paging...): 400 problem. */
@Provider
public class InvalidInputMapper implements ExceptionMapper<org.fanmail.list.InvalidInputException> {
  @Override
  public Response toResponse(org.fanmail.list.InvalidInputException e) {
    return Problem.response(400, "invalid-input", "Bad Request", e.getMessage());
  }
}
