package org.fanmail.list;

import java.io.IOException;
import java.util.List;

/**
 * A stream of import rows read from a request body, one at a time, so an import never holds the
 * whole file. Malformed input that cannot be read on from throws {@link InvalidInputException}
 * (CSV) or a Jackson parse exception (JSON); both are 400s.
 */
public interface ImportRows {
  /** The next row, or {@code null} at the end of the input. */
  ImportRow next() throws IOException;

  /**
   * The columns or fields of the input that carried values fanmail has no place for, sorted;
   * complete once {@link #next} has returned {@code null}.
   */
  default List<String> ignored() {
    return List.of();
  }

  /**
   * Whether a repeated address may raise the role of its first row (Mailman exports one entry per
   * address and role, so an owner who is also a member comes twice); otherwise a repeat changes
   * nothing.
   */
  default boolean repeatsRaiseRole() {
    return false;
  }
}
