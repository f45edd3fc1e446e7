package org.fanmail.fanout;

/**
 * What one post's expansion wrote: recipient rows (failed-at-once included) and delivery rows. The
 * counts come from the statements themselves (a recount would cost a scan of every row).
 */
record Expansion(int recipients, int deliveries) {
  static final Expansion NOTHING = new Expansion(0, 0);
}
