package org.fanmail.list;

/**
 * Who may read a list's archive pages ({@code /lists/{address}/archive}): {@code PUBLIC} anyone,
 * {@code MEMBERS} a member who opened a valid manage link (an archive cookie for that list), {@code
 * PRIVATE} nobody (the pages answer 404; the admin API still reads the archive). Copies of a PUBLIC
 * or MEMBERS list carry {@code List-Archive}, and a list whose archive is not PRIVATE keeps its
 * posts' bytes whatever the raw retention. Stored by name in a text column whose check constraint
 * lists the same values ({@code StateConstraintsTest}).
 */
public enum ArchiveAccess {
  PUBLIC,
  MEMBERS,
  PRIVATE;

  /** Whether copies name the archive ({@code List-Archive}) and its posts are kept. */
  public boolean shown() {
    return this != PRIVATE;
  }
}
