package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An import past fanmail.admin.max-import-rows: 413 problem; nothing of the import was kept. */
@Provider
public class ImportTooLargeMapper
    implements ExceptionMapper<org.fanmail.list.ImportTooLargeException> {
  @Override
  public Response toResponse(org.fanmail.list.ImportTooLargeException e) {
    return Problem.response(413, "import-too-large", "Payload Too Large", e.getMessage());
  }
}
