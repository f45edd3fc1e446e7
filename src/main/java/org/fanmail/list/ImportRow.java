package org.fanmail.list;

/**
 * One row of a member import as the file gave it: its 1-based line (CSV: the physical line where
 * the record starts; JSON: array index + 1), the raw email, name and delivery mode ({@code null}
 * when absent), and {@code problem} when the source itself found the row unusable.
 */
public record ImportRow(long line, String email, String name, String problem, String deliveryMode) {

  /** A row that names no delivery mode (a new member gets REGULAR, a member keeps theirs). */
  public ImportRow(long line, String email, String name, String problem) {
    this(line, email, name, problem, null);
  }
}
