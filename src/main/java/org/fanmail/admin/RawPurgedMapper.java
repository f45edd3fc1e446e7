package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.fanmail.queue.RawPurgedException;

/** A post whose bytes were purged after the retention: 410 problem (the post itself remains). */
@Provider
public class RawPurgedMapper implements ExceptionMapper<RawPurgedException> {
  @Override
  public Response toResponse(RawPurgedException e) {
    return Problem.response(410, "gone", "Gone", e.getMessage());
  }
}
