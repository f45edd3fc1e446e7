package org.fanmail.fanout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.SetBasedQueries.ChunkTables;

/**
 * The steps the set-based and the sliced paths share, on the temporary tables of the database
 * session: the candidates' domains resolved into {@code fanout_domain}, the candidates numbered
 * into chunks, then delivery rows carrying their recipients written for a range of chunks, and the
 * DONE rows of the domains that can never take mail. Each step is one statement (domains: one JDBC
 * batch per {@link #DOMAIN_BATCH}); a failure is thrown to the caller, whose transaction rolls
 * back.
 */
final class WorkingTables {
  private static final int DOMAIN_BATCH = 256;

  private final ParallelResolver resolver;
  private final FanmailConfig config;

  WorkingTables(ParallelResolver resolver, FanmailConfig config) {
    this.resolver = resolver;
    this.config = config;
  }

  /** Creates the four per-commit tables unless this session has them already. */
  static void create(Connection c) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(SetBasedQueries.CREATE_CANDIDATE_TABLE);
      st.execute(SetBasedQueries.CREATE_DOMAIN_TABLE);
      st.execute(SetBasedQueries.CREATE_CHUNK_TABLE);
      st.execute(SetBasedQueries.CREATE_DELIVERY_TABLE);
    }
  }

  /** Runs one statement of the session's settings or DDL ({@code set local ...}). */
  static void execute(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** A post whose candidates are in the tables: routed, numbered and written whole. */
  Expansion writeWhole(Connection c, long postId) throws SQLException {
    ChunkTables t = SetBasedQueries.PER_COMMIT;
    resolveDomains(c, postId);
    numberChunks(c, t);
    Expansion routed = insertDeliveries(c, t, postId, 0, Integer.MAX_VALUE);
    return new Expansion(routed.recipients() + insertFailed(c, postId), routed.deliveries());
  }

  /** Streams the distinct domains, resolves them in parallel batches, writes fanout_domain. */
  void resolveDomains(Connection c, long postId) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(SetBasedQueries.SELECT_DISTINCT_DOMAINS);
        PreparedStatement insert = c.prepareStatement(SetBasedQueries.INSERT_DOMAIN)) {
      select.setFetchSize(DOMAIN_BATCH);
      try (ResultSet rs = select.executeQuery()) {
        List<String> batch = new ArrayList<>(DOMAIN_BATCH);
        while (rs.next()) {
          batch.add(rs.getString(1));
          if (batch.size() == DOMAIN_BATCH) {
            writeDomains(c, insert, batch, postId);
            batch.clear();
          }
        }
        writeDomains(c, insert, batch, postId);
      }
    }
  }

  private void writeDomains(Connection c, PreparedStatement insert, List<String> domains, long id)
      throws SQLException {
    if (domains.isEmpty()) {
      return;
    }
    List<Destination> resolved = resolver.resolveAll(domains, id);
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      Destination d = resolved.get(i);
      String[] hosts = d.hosts().stream().map(HostPort::toString).toArray(String[]::new);
      insert.setString(1, domain);
      insert.setString(2, Grouper.groupKey(domain, d, config.delivery().groupBy()));
      insert.setArray(3, c.createArrayOf("text", hosts));
      insert.setString(4, d.outcome().name());
      insert.setString(5, d.reason());
      insert.addBatch();
    }
    insert.executeBatch();
  }

  /** The candidates numbered into chunks, and each chunk's delivery row planned. */
  void numberChunks(Connection c, ChunkTables t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(t.numberRecipients())) {
      ps.setInt(1, config.delivery().maxRecipientsPerTransaction());
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(t.planDeliveries())) {
      ps.executeUpdate();
    }
  }

  /**
   * The delivery rows of chunks {@code from} to {@code to} with their recipients: what they are
   * (delivery rows to send, recipients they carry).
   */
  Expansion insertDeliveries(Connection c, ChunkTables t, long postId, int from, int to)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(t.insertDeliveries())) {
      ps.setLong(1, postId);
      ps.setDouble(2, config.delivery().retrySchedule().get(0).toMillis() / 1000.0);
      ps.setInt(3, from);
      ps.setInt(4, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Expansion(rs.getInt(2), rs.getInt(1));
      }
    }
  }

  /** The DONE rows of the domains that can never take mail: how many recipients they carry. */
  static int insertFailed(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SetBasedQueries.INSERT_FAILED_DELIVERIES)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The post's move to DELIVERING or DONE, expanded. */
  static void finish(Connection c, long postId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FanoutQueries.FINISH_EXPANSION)) {
      ps.setLong(1, postId);
      ps.executeUpdate();
    }
  }
}
