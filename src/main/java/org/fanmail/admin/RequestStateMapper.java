package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.request.RequestStateException;

/**
 * A decision on a subscription request that does not wait for it (already decided, expired, not yet
 * confirmed): 409 problem with the request's current state as the extension member {@code state}.
 */
@Provider
public class RequestStateMapper implements ExceptionMapper<RequestStateException> {
  @Override
  public Response toResponse(RequestStateException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:fanmail:problem:request-state");
    body.put("title", "Conflict");
    body.put("status", 409);
    body.put("detail", e.getMessage());
    body.put("state", e.state());
    return Response.status(409).type(Problem.MEDIA_TYPE).entity(body).build();
  }
}
