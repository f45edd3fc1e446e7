package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.fanmail.dkim.DkimKeyException;

/** A refused DKIM key request: 400 bad input, 404 unknown key, 409 existing key or too many. */
@Provider
public class DkimKeyProblemMapper implements ExceptionMapper<DkimKeyException> {
  @Override
  public Response toResponse(DkimKeyException e) {
    return switch (e.kind()) {
      case INVALID -> Problem.response(400, "invalid-input", "Bad Request", e.getMessage());
      case NOT_FOUND -> Problem.response(404, "not-found", "Not Found", e.getMessage());
      case CONFLICT -> Problem.response(409, "conflict", "Conflict", e.getMessage());
    };
  }
}
