package org.fanmail.list;

import java.sql.SQLException;

/**
 * Turns a failed statement of the list and member services into the exception the caller deserves.
 * Where a service foresees a constraint ({@link #translate}): a unique constraint ({@code *_uk})
 * means a duplicate (409), any other named constraint bad input (400). Elsewhere ({@link
 * #unforeseen}) a constraint failure stays a {@link DatabaseConstraintException} for the REST
 * layer. Anything else is a database failure and ends as a 500.
 */
final class ConstraintFailures {
  private ConstraintFailures() {}

  /** {@code e}, raised by a change the caller described with {@code conflictMessage}. */
  static RuntimeException translate(SQLException e, String conflictMessage) {
    DatabaseConstraintException constraint = DatabaseConstraintException.of(e);
    if (constraint == null) {
      return unforeseen(e, "a change");
    }
    if (constraint.unique()) {
      return new DuplicateException(conflictMessage);
    }
    String name = constraint.constraint() == null ? "" : constraint.constraint();
    return new InvalidInputException("the change breaks the database rule " + name);
  }

  /** {@code e}, raised while doing {@code what} (e.g. "creating list x@y") by no foreseen rule. */
  static RuntimeException unforeseen(SQLException e, String what) {
    DatabaseConstraintException constraint = DatabaseConstraintException.of(e);
    if (constraint != null) {
      return constraint;
    }
    return new IllegalStateException(what + " failed in the database", e);
  }
}
