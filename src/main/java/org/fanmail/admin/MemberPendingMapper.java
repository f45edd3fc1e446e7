package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.bounce.MemberPendingException;

/** A re-enable of a member awaiting confirmation: 409 problem with the member's status. */
@Provider
public class MemberPendingMapper implements ExceptionMapper<MemberPendingException> {
  @Override
  public Response toResponse(MemberPendingException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:fanmail:problem:member-pending");
    body.put("title", "Conflict");
    body.put("status", 409);
    body.put("detail", e.getMessage());
    body.put("state", e.state());
    return Response.status(409).type(Problem.MEDIA_TYPE).entity(body).build();
  }
}
