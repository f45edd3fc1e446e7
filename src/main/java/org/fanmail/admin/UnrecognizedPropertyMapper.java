package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A JSON property the request does not know: 400 problem listing the known ones. */
@Provider
public class UnrecognizedPropertyMapper
    implements ExceptionMapper<com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException> {
  @Override
  public Response toResponse(com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
    return JsonProblems.response(e);
  }
}
