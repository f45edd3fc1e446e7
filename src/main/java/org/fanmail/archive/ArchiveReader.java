package org.fanmail.archive;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.decorate.EncodedWords;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;
import org.fanmail.digest.PlainTextParts;
import org.fanmail.list.Page;

/**
 * What the archive pages show of a list's archived posts (accepted or imported): threads newest
 * activity first with their first posts, a search over subject and From, and one message as text
 * (its text/plain parts decoded, every other part, HTML included, only named: {@link
 * PlainTextParts}). Read only, blocking JDBC; the thread index is brought up to date first ({@link
 * ThreadIndex#catchUp}).
 *
 * <p>Bounded: pages of at most {@link #MAX_PAGE_SIZE}, at most {@link #POSTS_PER_THREAD} posts
 * listed per thread, searches of at most {@link #MAX_QUERY} characters, and at most {@link
 * #MAX_SHOWN_OCTETS} octets of a message read for its page (the rest is said to be cut).
 */
@ApplicationScoped
public class ArchiveReader {
  public static final int MAX_PAGE_SIZE = 100;
  public static final int POSTS_PER_THREAD = 50;
  public static final int MAX_QUERY = 200;
  public static final int MAX_SHOWN_OCTETS = 1 << 20;

  /** One post in a listing. */
  public record PostLine(long id, String from, String subject, Instant at) {}

  /** One thread of a page: its first posts, oldest first. */
  public record ThreadSummary(
      long threadId, String subject, int posts, Instant lastAt, List<PostLine> first) {}

  /**
   * One message as its page shows it. {@code purged}: its bytes are gone (raw retention); {@code
   * cut}: only its first {@link #MAX_SHOWN_OCTETS} octets were read.
   */
  public record ShownMessage(
      long id,
      String from,
      String date,
      String subject,
      String text,
      Instant receivedAt,
      boolean purged,
      boolean cut) {}

  private final AgroalDataSource dataSource;
  private final ThreadIndex index;

  public ArchiveReader(AgroalDataSource dataSource, ThreadIndex index) {
    this.dataSource = dataSource;
    this.index = index;
  }

  /** A page of the list's threads, newest activity first. */
  public Page<ThreadSummary> threads(long listId, int page, int size) throws SQLException {
    index.catchUp(listId);
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.THREAD_COUNT)) {
        ps.setLong(1, listId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      Map<Long, ThreadSummary> threads = new LinkedHashMap<>();
      long offset = (long) page * size;
      if (offset < total) {
        try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.THREAD_PAGE)) {
          ps.setLong(1, listId);
          ps.setInt(2, size);
          ps.setLong(3, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long id = rs.getLong(1);
              threads.put(
                  id,
                  new ThreadSummary(
                      id,
                      rs.getString(2),
                      rs.getInt(3),
                      rs.getTimestamp(4).toInstant(),
                      new ArrayList<>()));
            }
          }
        }
      }
      if (!threads.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.THREAD_POSTS)) {
          Array ids = c.createArrayOf("bigint", threads.keySet().toArray());
          ps.setArray(1, ids);
          ps.setInt(2, POSTS_PER_THREAD);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              threads
                  .get(rs.getLong(1))
                  .first()
                  .add(
                      new PostLine(
                          rs.getLong(2),
                          rs.getString(3),
                          rs.getString(4),
                          rs.getTimestamp(5).toInstant()));
            }
          }
        }
      }
      return new Page<>(List.copyOf(threads.values()), total, page, size);
    }
  }

  /** A page of the list's posts whose subject or From contains {@code query}, newest first. */
  public Page<PostLine> search(long listId, String query, int page, int size) throws SQLException {
    String q = query.strip();
    if (q.length() > MAX_QUERY) {
      q = q.substring(0, MAX_QUERY);
    }
    String pattern = "%" + escapeLike(q.toLowerCase(Locale.ROOT)) + "%";
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.SEARCH_COUNT)) {
        ps.setLong(1, listId);
        ps.setString(2, pattern);
        ps.setString(3, pattern);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<PostLine> items = new ArrayList<>();
      long offset = (long) page * size;
      if (offset < total) {
        try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.SEARCH_PAGE)) {
          ps.setLong(1, listId);
          ps.setString(2, pattern);
          ps.setString(3, pattern);
          ps.setInt(4, size);
          ps.setLong(5, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(
                  new PostLine(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getTimestamp(4).toInstant()));
            }
          }
        }
      }
      return new Page<>(items, total, page, size);
    }
  }

  /** Post {@code postId} of the list, if it is one of its archived posts. */
  public Optional<ShownMessage> message(long listId, long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.ONE_POST)) {
      ps.setInt(1, MAX_SHOWN_OCTETS);
      ps.setLong(2, postId);
      ps.setLong(3, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Instant received = rs.getTimestamp(1).toInstant();
        if (rs.getTimestamp(2) != null) {
          return Optional.of(
              new ShownMessage(
                  postId,
                  decodeFrom(rs.getString(6)),
                  null,
                  decodeSubject(rs.getString(5)),
                  "",
                  received,
                  true,
                  false));
        }
        byte[] raw = rs.getBytes(3);
        boolean cut = rs.getInt(4) > raw.length;
        return Optional.of(shown(postId, raw, received, cut));
      }
    }
  }

  /** The page's view of a message's bytes. */
  static ShownMessage shown(long postId, byte[] raw, Instant received, boolean cut) {
    int end = HeaderBlock.split(raw);
    HeaderBlock h = HeaderBlock.parse(raw, end);
    String from = h.first("From").map(HeaderField::value).orElse(null);
    String date = h.first("Date").map(HeaderField::value).orElse(null);
    String subject = h.first("Subject").map(HeaderField::value).orElse(null);
    return new ShownMessage(
        postId,
        decodeFrom(from),
        date,
        decodeSubject(subject),
        PlainTextParts.of(raw, end),
        received,
        false,
        cut);
  }

  /** A From value for display: encoded words decoded; never throws. */
  public static String decodeFrom(String from) {
    if (from == null) {
      return null;
    }
    try {
      return EncodedWords.decodeText(from);
    } catch (RuntimeException e) {
      return from;
    }
  }

  /** A Subject value for display: encoded words decoded; never throws. */
  public static String decodeSubject(String subject) {
    if (subject == null) {
      return null;
    }
    try {
      return EncodedWords.decodeText(subject);
    } catch (RuntimeException e) {
      return subject;
    }
  }

  static String escapeLike(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
