package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An e-mail address that does not parse: 400 problem with the parser's reason. */
@Provider
public class InvalidAddressMapper
    implements ExceptionMapper<org.fanmail.mail.EmailAddress.InvalidAddressException> {
  @Override
  public Response toResponse(org.fanmail.mail.EmailAddress.InvalidAddressException e) {
    return Problem.response(400, "invalid-address", "Invalid Address", e.getMessage());
  }
}
