package org.fanmail.list;

/**
 * One row of a member import as the file gave it, in fanmail's words: its 1-based line (CSV: the
 * physical line where the record starts; JSON: array index + 1), the raw email, name, delivery
 * mode, role, status and receive-own-posts flag ({@code null} when absent: a new member gets the
 * default, an existing one keeps theirs), {@code problem} when the source itself found the row
 * unusable (reported with its line), and {@code skip} when the source deliberately leaves the row
 * out (a Mailman non-member, a listmonk blocklisted subscriber: counted, not an error).
 */
public record ImportRow(
    long line,
    String email,
    String name,
    String problem,
    String deliveryMode,
    String role,
    String status,
    String receiveOwnPosts,
    String skip) {

  /** A row that names no attribute but the name. */
  public ImportRow(long line, String email, String name, String problem) {
    this(line, email, name, problem, null);
  }

  /** A row that names a delivery mode and no other attribute. */
  public ImportRow(long line, String email, String name, String problem, String deliveryMode) {
    this(line, email, name, problem, deliveryMode, null, null, null, null);
  }

  /** A row the source refuses: {@code problem} says why; {@code value} is what it was given. */
  public static ImportRow refused(long line, String value, String problem) {
    return new ImportRow(line, value, null, problem);
  }

  /** A row the source leaves out on purpose, for {@code reason}. */
  public static ImportRow skipped(long line, String email, String reason) {
    return new ImportRow(line, email, null, null, null, null, null, null, reason);
  }
}
