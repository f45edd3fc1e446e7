package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * JSON of the wrong shape or type (object for a string, content after the document...): 400
 * problem.
 */
@Provider
public class MismatchedInputMapper
    implements ExceptionMapper<com.fasterxml.jackson.databind.exc.MismatchedInputException> {
  @Override
  public Response toResponse(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
    return JsonProblems.response(e);
  }
}
