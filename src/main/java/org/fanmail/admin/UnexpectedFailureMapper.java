package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Anything no other mapper claims is a server fault: logged in full with an incident id, answered
 * as a 500 problem that carries only that id, never a stack trace, SQL or class name.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    String incident = UUID.randomUUID().toString();
    LOG.errorf(e, "admin API request failed (incident %s)", incident);
    return Problem.response(
        500,
        "internal-error",
        "Internal Server Error",
        "the server failed to process the request (incident " + incident + ")");
  }
}
