package org.fanmail.list;

import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Turns a database constraint failure into the exception the caller deserves: a unique constraint
 * ({@code *_uk}) means a duplicate (409), any other named constraint bad input (400). Anything else
 * is returned unchanged and ends as a 500.
 */
final class ConstraintFailures {
  private ConstraintFailures() {}

  static RuntimeException translate(PersistenceException e, String conflictMessage) {
    if (e instanceof ConstraintViolationException cve) {
      String name = cve.getConstraintName() == null ? "" : cve.getConstraintName();
      if (name.endsWith("_uk") || name.endsWith("_pk")) {
        return new DuplicateException(conflictMessage);
      }
      return new InvalidInputException("the change breaks the database rule " + name);
    }
    return e;
  }
}
