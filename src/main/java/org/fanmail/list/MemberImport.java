package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.ImportReport.InvalidRow;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;
import org.fanmail.mail.RowsAdded;
import org.fanmail.stage.Transactions;

/**
 * Bulk, idempotent member import: rows stream in from {@link ImportRows}, are validated one by one,
 * and go to the database in batches of {@link #BATCH_SIZE} through {@link
 * MemberQueries#UPSERT_MEMBERS} (one statement per batch, never one INSERT per row).
 *
 * <p>The whole import is one transaction: if the input turns out malformed or longer than {@code
 * fanmail.admin.max-import-rows}, nothing of it is kept. Heap use is one batch plus the set of
 * address keys already seen (so an address repeated in the file counts once), bounded by the row
 * cap. Invalid rows (bad address, over-long name, a delivery mode, role, status or receiveOwnPosts
 * that is none of fanmail's) are reported with their line and skipped; the rest are imported with
 * every attribute they name ({@link ImportedMember}).
 */
@ApplicationScoped
public class MemberImport {
  public static final int BATCH_SIZE = 1000;
  public static final int MAX_REPORTED_INVALID = 1000;
  private static final int MAX_REPORTED_VALUE = 200;

  private final AgroalDataSource dataSource;
  private final FanmailConfig config;

  private final Event<RowsAdded> rowsAdded;

  public MemberImport(
      AgroalDataSource dataSource, FanmailConfig config, Event<RowsAdded> rowsAdded) {
    this.dataSource = dataSource;
    this.config = config;
    this.rowsAdded = rowsAdded;
  }

  /**
   * Imports {@code rows} into the list {@code listAddress}, in one JDBC transaction of its own, on
   * a connection of its own that the upserts use from the writer thread, one at a time (a caller's
   * transaction is not part of it).
   */
  public ImportReport run(String listAddress, ImportRows rows) throws IOException {
    return run(listAddress, rows, ImportProgress.NONE);
  }

  /** As {@link #run(String, ImportRows)}, telling {@code progress} after every batch written. */
  public ImportReport run(String listAddress, ImportRows rows, ImportProgress progress)
      throws IOException {
    int maxRows = config.admin().maxImportRows();
    ImportReport report;
    try {
      report =
          Transactions.fromTransaction(
              dataSource,
              c -> {
                try (PreparedStatement upsert = c.prepareStatement(MemberQueries.UPSERT_MEMBERS);
                    PreparedStatement attributes =
                        c.prepareStatement(MemberQueries.SET_IMPORTED_ATTRIBUTES)) {
                  long listId = lockList(c, listAddress);
                  try (Batch batch = new Batch(c, upsert, attributes, listId)) {
                    return readAll(rows, maxRows, batch, progress);
                  }
                }
              });
    } catch (SQLException e) {
      throw new IllegalStateException("member import failed in the database", e);
    }
    if (report.added() > 0) {
      // Committed: the member table's statistics may be refreshed now, before the first post.
      rowsAdded.fire(new RowsAdded("member", report.added()));
    }
    return report;
  }

  private ImportReport readAll(ImportRows rows, int maxRows, Batch batch, ImportProgress progress)
      throws IOException, SQLException {
    List<InvalidRow> invalid = new ArrayList<>();
    long invalidTotal = 0;
    long duplicates = 0;
    long skipped = 0;
    // The role each address got from its first row, for a repeat that may raise it (Mailman).
    Map<String, MemberRole> seen = new HashMap<>();
    Map<String, String> raised = new LinkedHashMap<>();
    long count = 0;
    for (ImportRow row = rows.next(); row != null; row = rows.next()) {
      if (++count > maxRows) {
        throw new ImportTooLargeException(maxRows);
      }
      if (row.skip() != null) {
        skipped++;
        continue;
      }
      ImportedMember m = ImportedMember.check(row);
      if (m.problem() != null) {
        invalidTotal++;
        if (invalid.size() < MAX_REPORTED_INVALID) {
          invalid.add(new InvalidRow(row.line(), shorten(row.email()), m.problem()));
        }
        continue;
      }
      String key = m.address().key();
      MemberRole role = m.role() == null ? MemberRole.MEMBER : m.role();
      MemberRole first = seen.putIfAbsent(key, role);
      if (first != null) {
        duplicates++;
        if (rows.repeatsRaiseRole() && role.compareTo(first) > 0) {
          seen.put(key, role);
          raised.put(m.address().toString(), role.name());
        }
        continue;
      }
      if (batch.add(m)) {
        progress.update(
            count,
            batch.doneAdded,
            batch.doneUpdated,
            batch.doneUnchanged + duplicates,
            invalidTotal);
      }
    }
    batch.flush();
    batch.raiseRoles(raised);
    return new ImportReport(
        batch.added,
        batch.updated,
        batch.unchanged + duplicates,
        skipped,
        invalid,
        invalidTotal,
        rows.ignored());
  }

  private static long lockList(Connection c, String address) throws SQLException {
    String canonical;
    try {
      canonical = EmailAddress.parse(address).key();
    } catch (InvalidAddressException e) {
      throw new UnknownListException(address);
    }
    try (PreparedStatement ps = c.prepareStatement(MemberQueries.LOCK_LIST_BY_ADDRESS)) {
      ps.setString(1, canonical);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownListException(address);
        }
        return rs.getLong(1);
      }
    }
  }

  private static String shorten(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= MAX_REPORTED_VALUE
        ? value
        : value.substring(0, MAX_REPORTED_VALUE) + "...";
  }

  /** One batch's values, column by column, as the upsert binds them (null: not given). */
  private record Columns(
      String[] emails,
      String[] domains,
      String[] names,
      String[] modes,
      String[] roles,
      String[] statuses,
      Boolean[] ownPosts) {

    boolean namesAnAttribute() {
      return Arrays.stream(modes).anyMatch(Objects::nonNull)
          || Arrays.stream(roles).anyMatch(Objects::nonNull)
          || Arrays.stream(statuses).anyMatch(Objects::nonNull)
          || Arrays.stream(ownPosts).anyMatch(Objects::nonNull);
    }
  }

  /**
   * Rows waiting for the next upsert, and the counts of the upserts so far. A full batch goes to
   * the database on the writer thread while the caller reads and checks the next one (parsing and
   * the upsert overlap; at most one upsert is in flight, so the connection is used by one thread at
   * a time and the heap holds at most two batches).
   */
  private static final class Batch implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement upsert;
    private final long listId;
    private final ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "member-import-writer");
              t.setDaemon(true);
              return t;
            });
    private String[] emails = new String[BATCH_SIZE];
    private String[] domains = new String[BATCH_SIZE];
    private String[] names = new String[BATCH_SIZE];
    private String[] modes = new String[BATCH_SIZE];
    private String[] roles = new String[BATCH_SIZE];
    private String[] statuses = new String[BATCH_SIZE];
    private Boolean[] ownPosts = new Boolean[BATCH_SIZE];
    private final PreparedStatement setAttributes;
    private int size;
    private Future<?> inFlight;
    long added;
    long updated;
    long unchanged;
    // The counts as of the last completed upsert, copied on the caller's thread after it waited
    // for that upsert: what a progress listener may read while the next one runs.
    long doneAdded;
    long doneUpdated;
    long doneUnchanged;

    Batch(
        Connection connection,
        PreparedStatement upsert,
        PreparedStatement setAttributes,
        long listId) {
      this.connection = connection;
      this.upsert = upsert;
      this.setAttributes = setAttributes;
      this.listId = listId;
    }

    /** Adds a row; true when that filled the batch and handed it to the writer. */
    boolean add(ImportedMember m) throws SQLException {
      emails[size] = m.address().toString();
      domains[size] = m.address().domain();
      names[size] = m.name();
      modes[size] = m.mode() == null ? null : m.mode().name();
      roles[size] = m.role() == null ? null : m.role().name();
      statuses[size] = m.status() == null ? null : m.status().name();
      ownPosts[size] = m.receiveOwnPosts();
      size++;
      if (size == BATCH_SIZE) {
        send();
        return true;
      }
      return false;
    }

    /** Hands the batch to the writer once the previous upsert is done. */
    private void send() throws SQLException {
      if (size == 0) {
        return;
      }
      await();
      doneAdded = added;
      doneUpdated = updated;
      doneUnchanged = unchanged;
      String[] e = size == BATCH_SIZE ? emails : Arrays.copyOf(emails, size);
      String[] d = size == BATCH_SIZE ? domains : Arrays.copyOf(domains, size);
      String[] n = size == BATCH_SIZE ? names : Arrays.copyOf(names, size);
      Columns columns =
          new Columns(
              e,
              d,
              n,
              size == BATCH_SIZE ? modes : Arrays.copyOf(modes, size),
              size == BATCH_SIZE ? roles : Arrays.copyOf(roles, size),
              size == BATCH_SIZE ? statuses : Arrays.copyOf(statuses, size),
              size == BATCH_SIZE ? ownPosts : Arrays.copyOf(ownPosts, size));
      int rows = size;
      inFlight = writer.submit(() -> upsert(columns, rows));
      emails = new String[BATCH_SIZE];
      domains = new String[BATCH_SIZE];
      names = new String[BATCH_SIZE];
      modes = new String[BATCH_SIZE];
      roles = new String[BATCH_SIZE];
      statuses = new String[BATCH_SIZE];
      ownPosts = new Boolean[BATCH_SIZE];
      size = 0;
    }

    /** Sends what is left and waits for every upsert. */
    void flush() throws SQLException {
      send();
      await();
    }

    private void await() throws SQLException {
      if (inFlight == null) {
        return;
      }
      try {
        inFlight.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("member import interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        throw new IllegalStateException("member import failed", e.getCause());
      } finally {
        inFlight = null;
      }
    }

    private Void upsert(Columns b, int rows) throws SQLException {
      // Attributes of existing members first: the upsert then adds the new ones with theirs.
      Set<String> changed = new HashSet<>();
      if (b.namesAnAttribute()) {
        changed.addAll(setAttributes(b.emails, b.modes, b.roles, b.statuses, b.ownPosts));
      }
      upsert.setLong(1, listId);
      upsert.setArray(2, connection.createArrayOf("text", b.emails));
      upsert.setArray(3, connection.createArrayOf("text", b.domains));
      upsert.setArray(4, connection.createArrayOf("text", b.names));
      upsert.setArray(5, connection.createArrayOf("text", b.modes));
      upsert.setArray(6, connection.createArrayOf("text", b.roles));
      upsert.setArray(7, connection.createArrayOf("text", b.statuses));
      upsert.setArray(8, connection.createArrayOf("boolean", b.ownPosts));
      long inserted = 0;
      try (ResultSet rs = upsert.executeQuery()) {
        while (rs.next()) {
          if (rs.getBoolean(1)) {
            inserted++;
          } else {
            changed.add(rs.getString(2));
          }
        }
      }
      // Read by the caller only after await(): the future's completion orders these writes.
      added += inserted;
      updated += changed.size();
      unchanged += rows - inserted - changed.size();
      return null;
    }

    private Set<String> setAttributes(
        String[] e, String[] modes, String[] roles, String[] statuses, Boolean[] own)
        throws SQLException {
      Set<String> changed = new HashSet<>();
      setAttributes.setArray(1, connection.createArrayOf("text", e));
      setAttributes.setArray(2, connection.createArrayOf("text", modes));
      setAttributes.setArray(3, connection.createArrayOf("text", roles));
      setAttributes.setArray(4, connection.createArrayOf("text", statuses));
      setAttributes.setArray(5, connection.createArrayOf("boolean", own));
      setAttributes.setLong(6, listId);
      try (ResultSet rs = setAttributes.executeQuery()) {
        while (rs.next()) {
          changed.add(rs.getString(1));
        }
      }
      return changed;
    }

    /**
     * Raises the role of members whose address came again with a higher role (after every batch is
     * written, so the member exists), a thousand at a time. Counted as already counted: the first
     * row of the address made it added, updated or unchanged.
     */
    void raiseRoles(Map<String, String> raised) throws SQLException {
      List<String> emails = new ArrayList<>(raised.keySet());
      for (int from = 0; from < emails.size(); from += BATCH_SIZE) {
        List<String> part = emails.subList(from, Math.min(emails.size(), from + BATCH_SIZE));
        String[] e = part.toArray(String[]::new);
        String[] r = part.stream().map(raised::get).toArray(String[]::new);
        setAttributes(e, new String[e.length], r, new String[e.length], new Boolean[e.length]);
      }
    }

    /** Waits for an upsert still running (an error path), then stops the writer. */
    @Override
    public void close() {
      try {
        if (inFlight != null) {
          inFlight.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // the caller is already failing; the transaction rolls back
      } finally {
        writer.shutdownNow();
      }
    }
  }
}
