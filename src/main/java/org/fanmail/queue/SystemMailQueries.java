package org.fanmail.queue;

/** The named SQL of system mail. */
final class SystemMailQueries {
  private SystemMailQueries() {}

  /** One SYSTEM post, ready for expansion. Message-ID and From are not needed on the way out. */
  static final String INSERT_SYSTEM_POST =
      "insert into post (list_id, list_address, purpose, state, envelope_from, subject, raw, size,"
          + " addressed_to) values (?, ?, 'SYSTEM', 'ACCEPTED', ?, ?, ?, ?, ?) returning id";
}
