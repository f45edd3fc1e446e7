package org.fanmail.mail;

/**
 * Fired (a CDI event, synchronously, after the commit) by a bulk write that added many rows to a
 * table at once, a member import say: {@code queue.TableStatistics} observes it and analyzes the
 * table if it has outgrown its statistics, so that the write pays for that rather than the first
 * posts after it (analyzing 100,000 members took 0.1-0.2 s of PostgreSQL's CPU, inside a post's
 * fan-out when the periodic check or autovacuum came round then). An event of {@code mail} so that
 * the writer needs no dependency on {@code queue}.
 *
 * @param table the table's plain name
 * @param rows how many rows the write added
 */
public record RowsAdded(String table, long rows) {}
