package org.fanmail.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.fanmail.list.DatabaseConstraintException;

/**
 * A database constraint that fired where no service translated it (a race the service did not
 * foresee): 409 for unique constraints, 400 otherwise, naming the constraint but no SQL.
 */
@Provider
public class DatabaseConstraintMapper implements ExceptionMapper<DatabaseConstraintException> {
  @Override
  public Response toResponse(DatabaseConstraintException e) {
    String name = e.constraint() == null ? "a database rule" : e.constraint();
    if (e.unique()) {
      return Problem.response(409, "conflict", "Conflict", "the request conflicts with " + name);
    }
    return Problem.response(400, "invalid-input", "Bad Request", "the request breaks " + name);
  }
}
