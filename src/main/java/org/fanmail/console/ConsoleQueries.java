package org.fanmail.console;

/**
 * The named SQL the web admin runs itself, for views no service offers: read only, small, bounded
 * by a limit parameter. Everything that changes data goes through the owning package's service.
 */
public final class ConsoleQueries {
  private ConsoleQueries() {}

  /**
   * Held posts across the lists a principal may moderate, oldest first: parameter 1 true for an
   * ADMIN (every list), else parameter 2 the lower-cased addresses it holds; parameter 3 the limit.
   * Served by the partial index on HELD posts ({@code post_held_ix}).
   */
  public static final String HELD_ACROSS_LISTS =
      "select p.id, l.address, p.from_header, p.subject, p.received_at, p.reason, p.size"
          + " from post p join mailing_list l on l.id = p.list_id"
          + " where p.purpose = 'POST' and p.state = 'HELD' and (? or l.address = any(?))"
          + " order by p.id limit ?";

  /**
   * A list's members with bounces on record, most recently bounced first: a positive score or
   * disabled by bounces. Parameters: list id, limit.
   */
  public static final String BOUNCING_MEMBERS =
      "select email, status, bounce_score, last_bounce_at from member"
          + " where list_id = ? and (bounce_score > 0 or status = 'DISABLED_BY_BOUNCE')"
          + " order by last_bounce_at desc nulls last, id limit ?";
}
