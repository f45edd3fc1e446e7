package org.fanmail.console;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.fanmail.list.CsvImportRows;
import org.fanmail.list.ImportReport;
import org.fanmail.list.ImportTooLargeException;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.MemberImport;
import org.fanmail.list.UnknownListException;
import org.jboss.logging.Logger;

/**
 * Member imports uploaded through the web admin, run in the background by {@link MemberImport} (the
 * same bulk path as the REST import: one transaction, batches of 1,000) while their {@code
 * import_job} row records the progress after every batch, so the progress page of any instance can
 * poll it. The upload is a file of the instance that received it; one import thread per instance
 * and at most {@link #MAX_QUEUED} waiting, past that a new upload is refused (the caller answers
 * 503). If the instance stops mid-import the transaction rolls back and the sweep marks the row
 * FAILED once its heartbeat is {@link #ABANDONED_AFTER_SECONDS} old. The spooled file is deleted
 * whatever the outcome.
 */
@ApplicationScoped
public class ImportJobs {
  private static final Logger LOG = Logger.getLogger(ImportJobs.class);

  /** Uploads waiting behind the running import on one instance. */
  static final int MAX_QUEUED = 4;

  /** An open job whose row has not moved for this long belongs to a stopped instance. */
  static final int ABANDONED_AFTER_SECONDS = 600;

  /** Invalid rows listed in a finished job's detail (the counts cover them all). */
  static final int MAX_DETAIL_ROWS = 50;

  private final AgroalDataSource dataSource;
  private final MemberImport memberImport;
  private final ThreadPoolExecutor worker =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(MAX_QUEUED),
          r -> {
            Thread t = new Thread(r, "console-member-import");
            t.setDaemon(true);
            return t;
          });

  public ImportJobs(AgroalDataSource dataSource, MemberImport memberImport) {
    this.dataSource = dataSource;
    this.memberImport = memberImport;
  }

  /** Thrown when this instance already has {@link #MAX_QUEUED} imports waiting. */
  public static final class BusyException extends RuntimeException {
    BusyException() {
      super("this instance is already importing; try again in a minute");
    }
  }

  /**
   * Records a QUEUED job for the uploaded CSV {@code upload} and queues it on a copy of the file
   * (readable by fanmail only, deleted when the job ends). Returns the job's id.
   */
  public long start(long listId, String listAddress, String actor, String fileName, Path upload)
      throws SQLException, IOException {
    if (worker.getQueue().remainingCapacity() == 0) {
      throw new BusyException();
    }
    Path spooled =
        Files.createTempFile(
            "fanmail-import-",
            ".csv",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.copy(upload, spooled, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(spooled);
      throw e;
    }
    long size = Files.size(spooled);
    long id;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.INSERT)) {
      ps.setLong(1, listId);
      ps.setString(2, actor);
      ps.setString(3, fileName == null ? "" : fileName);
      ps.setLong(4, size);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    } catch (SQLException | RuntimeException e) {
      Files.deleteIfExists(spooled);
      throw e;
    }
    try {
      worker.execute(() -> run(id, listAddress, spooled, size));
    } catch (RejectedExecutionException e) {
      finish(id, ImportJobState.FAILED, 0, null, 0, "this instance was busy; upload it again");
      Files.deleteIfExists(spooled);
      throw new BusyException();
    }
    return id;
  }

  public Optional<ImportJob> get(long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.GET)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** The list's latest {@code limit} jobs, newest first. */
  public List<ImportJob> latest(long listId, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.LATEST_OF_LIST)) {
      ps.setLong(1, listId);
      ps.setInt(2, limit);
      List<ImportJob> jobs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          jobs.add(read(rs));
        }
      }
      return jobs;
    }
  }

  @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.FAIL_ABANDONED)) {
      ps.setInt(1, ABANDONED_AFTER_SECONDS);
      int n = ps.executeUpdate();
      if (n > 0) {
        LOG.warnf("%d member import(s) abandoned by a stopped instance marked FAILED", n);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "sweeping abandoned member imports failed; retried in a minute");
    }
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
  }

  private void run(long id, String listAddress, Path spooled, long size) {
    AtomicLong bytes = new AtomicLong();
    long started = System.nanoTime();
    try (InputStream in = new CountingStream(Files.newInputStream(spooled), bytes)) {
      if (!markRunning(id)) {
        return;
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      ImportReport report =
          memberImport.run(
              listAddress,
              new CsvImportRows(reader),
              (read, added, updated, unchanged, invalid) ->
                  progress(id, bytes.get(), read, added, updated, unchanged, invalid));
      finish(id, ImportJobState.DONE, size, report, report.invalidTotal(), invalidRows(report));
      LOG.infof(
          "member import %d into %s: %d added, %d updated, %d unchanged, %d invalid in %d ms",
          id,
          listAddress,
          report.added(),
          report.updated(),
          report.unchanged(),
          report.invalidTotal(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (ImportTooLargeException | InvalidInputException | UnknownListException e) {
      failQuietly(id, bytes.get(), e.getMessage());
    } catch (Exception e) {
      LOG.errorf(e, "member import %d into %s failed", id, listAddress);
      failQuietly(id, bytes.get(), "the import failed (" + e.getClass().getSimpleName() + ")");
    } finally {
      try {
        Files.deleteIfExists(spooled);
      } catch (IOException e) {
        LOG.warnf(e, "member import %d: spooled upload %s not deleted", id, spooled);
      }
    }
  }

  private boolean markRunning(long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.START)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void progress(
      long id, long bytes, long read, long added, long updated, long unchanged, long invalid) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.PROGRESS)) {
      ps.setLong(1, bytes);
      ps.setLong(2, read);
      ps.setLong(3, added);
      ps.setLong(4, updated);
      ps.setLong(5, unchanged);
      ps.setLong(6, invalid);
      ps.setLong(7, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      // Progress is for the eyes only: the import goes on, its end is recorded by finish().
      LOG.debugf(e, "member import %d: progress not recorded", id);
    }
  }

  private void finish(
      long id, ImportJobState state, long bytes, ImportReport report, long failed, String detail)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ImportJobQueries.FINISH)) {
      long added = report == null ? 0 : report.added();
      long updated = report == null ? 0 : report.updated();
      long unchanged = report == null ? 0 : report.unchanged();
      ps.setString(1, state.name());
      ps.setLong(2, bytes);
      ps.setLong(3, report == null ? 0 : added + updated + unchanged + failed);
      ps.setLong(4, added);
      ps.setLong(5, updated);
      ps.setLong(6, unchanged);
      ps.setLong(7, failed);
      ps.setString(8, detail == null ? "" : detail);
      ps.setLong(9, id);
      ps.executeUpdate();
    }
  }

  private void failQuietly(long id, long bytes, String detail) {
    try {
      finish(id, ImportJobState.FAILED, bytes, null, 0, "nothing was imported: " + detail);
    } catch (SQLException e) {
      LOG.errorf(e, "member import %d: its failure was not recorded (the sweep will)", id);
    }
  }

  private static String invalidRows(ImportReport report) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (ImportReport.InvalidRow row : report.invalid()) {
      if (shown++ == MAX_DETAIL_ROWS) {
        out.append("… and ").append(report.invalidTotal() - MAX_DETAIL_ROWS).append(" more\n");
        break;
      }
      out.append("line ")
          .append(row.line())
          .append(": ")
          .append(row.value())
          .append(": ")
          .append(row.reason())
          .append('\n');
    }
    return out.toString();
  }

  private static ImportJob read(ResultSet rs) throws SQLException {
    Timestamp finished = rs.getTimestamp(15);
    return new ImportJob(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        ImportJobState.valueOf(rs.getString(5)),
        rs.getLong(6),
        rs.getLong(7),
        rs.getLong(8),
        rs.getLong(9),
        rs.getLong(10),
        rs.getLong(11),
        rs.getLong(12),
        rs.getString(13),
        rs.getTimestamp(14).toInstant(),
        finished == null ? null : finished.toInstant());
  }

  /** Counts the bytes read from the upload, the measure of the progress bar. */
  private static final class CountingStream extends FilterInputStream {
    private final AtomicLong count;

    CountingStream(InputStream in, AtomicLong count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count.addAndGet(n);
      }
      return n;
    }
  }
}
