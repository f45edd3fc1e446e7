package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.ImportReport.InvalidRow;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;

/**
 * Bulk, idempotent member import: rows stream in from {@link ImportRows}, are validated one by one,
 * and go to the database in batches of {@link #BATCH_SIZE} through {@link
 * MemberQueries#UPSERT_MEMBERS} (one statement per batch, never one ORM persist per row).
 *
 * <p>The whole import is one transaction: if the input turns out malformed or longer than {@code
 * fanmail.admin.max-import-rows}, nothing of it is kept. Heap use is one batch plus the set of
 * address keys already seen (so an address repeated in the file counts once), bounded by the row
 * cap. Invalid rows (bad address, over-long name) are reported with their line and skipped.
 */
@ApplicationScoped
public class MemberImport {
  public static final int BATCH_SIZE = 1000;
  public static final int MAX_REPORTED_INVALID = 1000;
  private static final int MAX_REPORTED_VALUE = 200;

  private final AgroalDataSource dataSource;
  private final FanmailConfig config;

  public MemberImport(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  /**
   * Imports {@code rows} into the list {@code listAddress}. The transaction may run longer than the
   * default 60 s: a million-row import at the cap streams for tens of seconds on slow disks.
   */
  @Transactional
  @TransactionConfiguration(timeout = 600)
  public ImportReport run(String listAddress, ImportRows rows) throws IOException {
    int maxRows = config.admin().maxImportRows();
    try (Connection c = dataSource.getConnection();
        PreparedStatement upsert = c.prepareStatement(MemberQueries.UPSERT_MEMBERS)) {
      long listId = lockList(c, listAddress);
      Batch batch = new Batch(c, upsert, listId);
      List<InvalidRow> invalid = new ArrayList<>();
      long invalidTotal = 0;
      long duplicates = 0;
      Set<String> seen = new HashSet<>();
      long count = 0;
      for (ImportRow row = rows.next(); row != null; row = rows.next()) {
        if (++count > maxRows) {
          throw new ImportTooLargeException(maxRows);
        }
        String problem = row.problem();
        EmailAddress address = null;
        String name = row.name() == null ? "" : row.name().strip();
        if (problem == null) {
          String email = row.email() == null ? "" : row.email().strip();
          try {
            address = EmailAddress.parse(email);
          } catch (InvalidAddressException e) {
            problem = e.getMessage();
          }
        }
        if (problem == null) {
          String nameProblem = TextRules.singleLineProblem(name, TextRules.MAX_NAME);
          if (nameProblem != null) {
            problem = "name " + nameProblem;
          }
        }
        if (problem != null) {
          invalidTotal++;
          if (invalid.size() < MAX_REPORTED_INVALID) {
            invalid.add(new InvalidRow(row.line(), shorten(row.email()), problem));
          }
          continue;
        }
        if (!seen.add(address.key())) {
          duplicates++;
          continue;
        }
        batch.add(address.toString(), address.domain(), name);
      }
      batch.flush();
      return new ImportReport(
          batch.added, batch.updated, batch.unchanged + duplicates, invalid, invalidTotal);
    } catch (SQLException e) {
      throw new IllegalStateException("member import failed in the database", e);
    }
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

  /** Rows waiting for the next upsert, and the counts of the upserts so far. */
  private static final class Batch {
    private final Connection connection;
    private final PreparedStatement upsert;
    private final long listId;
    private final String[] emails = new String[BATCH_SIZE];
    private final String[] domains = new String[BATCH_SIZE];
    private final String[] names = new String[BATCH_SIZE];
    private int size;
    long added;
    long updated;
    long unchanged;

    Batch(Connection connection, PreparedStatement upsert, long listId) {
      this.connection = connection;
      this.upsert = upsert;
      this.listId = listId;
    }

    void add(String email, String domain, String name) throws SQLException {
      emails[size] = email;
      domains[size] = domain;
      names[size] = name;
      size++;
      if (size == BATCH_SIZE) {
        flush();
      }
    }

    void flush() throws SQLException {
      if (size == 0) {
        return;
      }
      upsert.setLong(1, listId);
      upsert.setArray(2, connection.createArrayOf("text", slice(emails)));
      upsert.setArray(3, connection.createArrayOf("text", slice(domains)));
      upsert.setArray(4, connection.createArrayOf("text", slice(names)));
      long returned = 0;
      try (ResultSet rs = upsert.executeQuery()) {
        while (rs.next()) {
          returned++;
          if (rs.getBoolean(1)) {
            added++;
          } else {
            updated++;
          }
        }
      }
      unchanged += size - returned;
      size = 0;
    }

    private String[] slice(String[] values) {
      return size == values.length ? values.clone() : java.util.Arrays.copyOf(values, size);
    }
  }
}
