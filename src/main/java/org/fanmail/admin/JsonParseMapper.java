package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Syntactically broken JSON: 400 problem with the parser's location. */
@Provider
public class JsonParseMapper
    implements ExceptionMapper<com.fasterxml.jackson.core.JsonParseException> {
  @Override
  public Response toResponse(com.fasterxml.jackson.core.JsonParseException e) {
    return JsonProblems.response(e);
  }
}
