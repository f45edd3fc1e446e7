package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Any other JSON failure on input (limits, encoding): 400 problem. */
@Provider
public class JsonProcessingMapper
    implements ExceptionMapper<com.fasterxml.jackson.core.JsonProcessingException> {
  @Override
  public Response toResponse(com.fasterxml.jackson.core.JsonProcessingException e) {
    return JsonProblems.response(e);
  }
}
