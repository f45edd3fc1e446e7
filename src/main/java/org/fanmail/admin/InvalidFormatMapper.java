package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A JSON value that does not convert (unknown enum constant, non-numeric number): 400 problem
 * listing the allowed values.
 */
@Provider
public class InvalidFormatMapper
    implements ExceptionMapper<com.fasterxml.jackson.databind.exc.InvalidFormatException> {
  @Override
  public Response toResponse(com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
    return JsonProblems.response(e);
  }
}
