package org.fanmail.fanout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The expansion of one post that is not small (or is system mail), never through the heap: its
 * candidates copied with one {@code INSERT ... SELECT} into a temporary table, then routed,
 * numbered and written by {@link WorkingTables} in the caller's transaction; a post of more than
 * {@link SlicedExpansion#SLICED_POST} candidates goes on in slices ({@link SlicedExpansion}).
 *
 * <p>One instance serves one batch: the working tables are set up by the batch's first post that
 * takes this path (small posts never touch them) and emptied before each further one. A failure is
 * thrown; the batch's transaction rolls back.
 */
final class SetBasedExpansion {
  private final WorkingTables tables;
  private final SlicedExpansion sliced;
  private final Runnable committed;
  private boolean tablesReady;
  private boolean tablesUsed;

  /**
   * @param committed run after a large post's slice committed the batch's transaction before the
   *     batch's end (the batch's earlier posts with it): hands their leased rows over
   */
  SetBasedExpansion(WorkingTables tables, SlicedExpansion sliced, Runnable committed) {
    this.tables = tables;
    this.sliced = sliced;
    this.committed = committed;
  }

  /** Expands {@code p} (its DMARC decision is made) in the batch's transaction {@code c}. */
  Expansion expand(Connection c, ClaimedPost p) throws SQLException {
    if (!tablesReady) {
      WorkingTables.execute(c, FanoutQueries.SORT_MEMORY);
      WorkingTables.create(c);
      tablesReady = true;
    } else if (tablesUsed) {
      WorkingTables.execute(c, SetBasedQueries.CLEAR_WORKING_TABLES);
    }
    tablesUsed = true;
    if (!p.system() && p.listId() != null) {
      Expansion made = sliced.expandWithHead(c, p.id(), p.listId(), committed);
      if (made != null) {
        return made;
      }
    }
    int candidates;
    if (p.system()) {
      try (PreparedStatement ps = c.prepareStatement(SetBasedQueries.INSERT_SYSTEM_CANDIDATES)) {
        ps.setLong(1, p.id());
        candidates = ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement(SetBasedQueries.INSERT_CANDIDATES)) {
        ps.setLong(1, p.listId());
        ps.setLong(2, p.id());
        candidates = ps.executeUpdate();
      }
    }
    if (candidates > SlicedExpansion.SLICED_POST) {
      return sliced.expand(c, p.id(), false, committed);
    }
    Expansion made = candidates > 0 ? tables.writeWhole(c, p.id()) : Expansion.NOTHING;
    WorkingTables.finish(c, p.id());
    return made;
  }
}
