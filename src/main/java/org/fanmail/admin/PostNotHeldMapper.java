package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.moderation.PostNotHeldException;

/**
 * A moderation verdict on a post that is not HELD (already decided, or never held): 409 problem
 * with the post's current state as the extension member {@code state}, so a client can tell
 * "someone approved it already" from "it was rejected".
 */
@Provider
public class PostNotHeldMapper implements ExceptionMapper<PostNotHeldException> {
  @Override
  public Response toResponse(PostNotHeldException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:fanmail:problem:not-held");
    body.put("title", "Conflict");
    body.put("status", 409);
    body.put("detail", e.getMessage());
    body.put("state", e.state());
    return Response.status(409).type(Problem.MEDIA_TYPE).entity(body).build();
  }
}
