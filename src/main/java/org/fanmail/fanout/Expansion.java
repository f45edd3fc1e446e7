package org.fanmail.fanout;

/**
 * What one post's expansion wrote: recipients (failed-at-once included) and delivery rows to send
 * (SMTP transactions; the DONE rows of domains that can never take mail are not counted). The
 * counts come from the statements or the plan themselves (a recount would cost a scan of every
 * row).
 */
record Expansion(int recipients, int deliveries) {
  static final Expansion NOTHING = new Expansion(0, 0);
}
