package org.fanmail.list;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A rule of the database refused a statement of {@link ListService} or {@link MemberService} that
 * the service did not foresee: two requests raced past its look-ups into a unique constraint, or a
 * member was added to a list being deleted. The REST layer answers 409 for a unique or primary key
 * and 400 otherwise, naming the constraint but no SQL.
 *
 * <p>Thrown for the SQLSTATE classes 23 (integrity constraint violation), 27 (triggered data change
 * violation) and 44 (WITH CHECK OPTION violation), the classes Hibernate turned into its {@code
 * ConstraintViolationException} when the services still used it; the name is the one Hibernate
 * gave, so the answers stay the same.
 */
public final class DatabaseConstraintException extends RuntimeException {
  private final String sqlState;
  private final String constraint;

  private DatabaseConstraintException(String sqlState, String constraint, SQLException cause) {
    super(cause.getMessage(), cause);
    this.sqlState = sqlState;
    this.constraint = constraint;
  }

  /** The SQLSTATE of the refusal, e.g. {@code 23505} for a unique constraint. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * The violated constraint ({@code mailing_list_address_uk}), the column for a not-null violation
   * ({@code 23502}); null when the database named none that fanmail shows.
   */
  public String constraint() {
    return constraint;
  }

  /** Whether a unique constraint or primary key refused it ({@code *_uk}, {@code *_pk}): a 409. */
  public boolean unique() {
    return constraint != null && (constraint.endsWith("_uk") || constraint.endsWith("_pk"));
  }

  /** {@code e} as a constraint failure, as the class comment tells; null when it is none. */
  static DatabaseConstraintException of(SQLException e) {
    String state = e.getSQLState();
    if (state == null
        || !(state.startsWith("23") || state.startsWith("27") || state.startsWith("44"))) {
      return null;
    }
    return new DatabaseConstraintException(state, constraintName(e), e);
  }

  /**
   * The name PostgreSQL reports for a unique, foreign-key or check violation, the column of a
   * not-null one. A {@code RAISE} of our own PL/pgSQL (the member trigger of migration V17, which
   * passes {@code constraint = 'member_list_fk'}) is reported without a name: Hibernate read names
   * out of the message text, where the trigger's message has none, so it answered "a database
   * rule", and still does.
   */
  private static String constraintName(SQLException e) {
    if (!(e instanceof PSQLException p) || p.getServerErrorMessage() == null) {
      return null;
    }
    ServerErrorMessage m = p.getServerErrorMessage();
    if ("exec_stmt_raise".equals(m.getRoutine())) {
      return null;
    }
    return switch (e.getSQLState()) {
      case "23502" -> m.getColumn();
      case "23503", "23505", "23514" -> m.getConstraint();
      default -> null;
    };
  }
}
