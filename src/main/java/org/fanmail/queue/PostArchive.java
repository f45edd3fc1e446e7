package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fanmail.list.Page;

/**
 * A list's archive read from the post table: pages of posts newest first with search, and the
 * stored bytes of a post copied to a stream in slices of {@value #SLICE} bytes, so neither one
 * large message nor a whole archive is ever held in memory. Read only; blocking JDBC.
 */
@ApplicationScoped
public class PostArchive {
  /** Bytes read from the database per round trip when copying a message. */
  static final int SLICE = 1 << 20;

  /** Posts fetched per keyset step of an export. */
  static final int EXPORT_BATCH = 100;

  /** One post of the archive listing. */
  public record ArchivedPost(
      long id,
      String messageId,
      String from,
      String subject,
      Instant receivedAt,
      String state,
      int size) {}

  /** One post of an export, without its bytes (those are copied on demand). */
  public record ExportedPost(long id, String envelopeFrom, Instant receivedAt, int size) {}

  /** Receives the posts of an export one by one, oldest first. */
  @FunctionalInterface
  public interface ExportSink {
    void accept(ExportedPost post) throws IOException, SQLException;
  }

  private final AgroalDataSource dataSource;

  public PostArchive(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One page of the list's posts, newest first.
   *
   * @param state a post state to keep, or null for all
   * @param query text the subject or From contains (case-insensitive, wildcards literal), or null
   */
  public Page<ArchivedPost> page(long listId, String state, String query, int page, int size)
      throws SQLException {
    String pattern =
        query == null || query.isBlank()
            ? null
            : "%" + escapeLike(query.strip().toLowerCase(Locale.ROOT)) + "%";
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(ArchiveQueries.POSTS_COUNT)) {
        bindFilter(ps, listId, state, pattern);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      long offset = (long) page * size;
      List<ArchivedPost> items = new ArrayList<>();
      if (offset < total) {
        try (PreparedStatement ps = c.prepareStatement(ArchiveQueries.POSTS_PAGE)) {
          int i = bindFilter(ps, listId, state, pattern);
          ps.setInt(i++, size);
          ps.setLong(i, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(
                  new ArchivedPost(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getTimestamp(5).toInstant(),
                      rs.getString(6),
                      rs.getInt(7)));
            }
          }
        }
      }
      return new Page<>(items, total, page, size);
    }
  }

  private static int bindFilter(PreparedStatement ps, long listId, String state, String pattern)
      throws SQLException {
    int i = 1;
    ps.setLong(i++, listId);
    ps.setString(i++, state);
    ps.setString(i++, state);
    ps.setString(i++, pattern);
    ps.setString(i++, pattern);
    ps.setString(i++, pattern);
    return i;
  }

  /** {@code %}, {@code _} and the escape character itself taken literally, with {@code !}. */
  static String escapeLike(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  /**
   * The size of the post's stored bytes; {@link UnknownPostException} if there is no such post,
   * {@link RawPurgedException} if its bytes were purged ({@link RawRetention}).
   */
  public int rawSize(long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ArchiveQueries.RAW_SIZE)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownPostException(postId);
        }
        Timestamp purged = rs.getTimestamp(2);
        if (purged != null) {
          throw new RawPurgedException(postId, purged.toInstant());
        }
        return rs.getInt(1);
      }
    }
  }

  /** Copies the post's stored bytes to {@code out}, exactly, slice by slice. */
  public void copyRaw(long postId, int size, OutputStream out) throws SQLException, IOException {
    try (Connection c = dataSource.getConnection()) {
      copyRaw(c, postId, size, out);
    }
  }

  private static void copyRaw(Connection c, long postId, int size, OutputStream out)
      throws SQLException, IOException {
    try (PreparedStatement ps = c.prepareStatement(ArchiveQueries.RAW_SLICE)) {
      for (int from = 0; from < size; from += Math.min(SLICE, size - from)) {
        ps.setInt(1, from + 1);
        ps.setInt(2, SLICE);
        ps.setLong(3, postId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return; // deleted while being read: the stream ends short, never with other bytes
          }
          byte[] slice = rs.getBytes(1);
          if (slice == null || slice.length == 0) {
            return;
          }
          out.write(slice);
        }
      }
    }
  }

  /**
   * Walks the list's accepted posts (ACCEPTED, DELIVERING, DONE) oldest first, by keyset, giving
   * each to {@code sink}; {@link #copyRaw} then supplies its bytes.
   */
  public void export(long listId, ExportSink sink) throws SQLException, IOException {
    long last = 0;
    while (true) {
      List<ExportedPost> batch = new ArrayList<>(EXPORT_BATCH);
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(ArchiveQueries.MBOX_NEXT)) {
        ps.setLong(1, listId);
        ps.setLong(2, last);
        ps.setInt(3, EXPORT_BATCH);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            batch.add(
                new ExportedPost(
                    rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getInt(4)));
          }
        }
      }
      for (ExportedPost p : batch) {
        sink.accept(p);
        last = p.id();
      }
      if (batch.size() < EXPORT_BATCH) {
        return;
      }
    }
  }
}
