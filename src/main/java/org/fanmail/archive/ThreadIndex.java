package org.fanmail.archive;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;
import org.fanmail.stage.Transactions;

/**
 * The archive's thread index: every archived post of a list (accepted or imported) gets an {@code
 * archive_entry} naming its thread, and each thread an {@code archive_thread} row with its post
 * count and last activity, so thread pages are an index scan whatever the archive's size.
 *
 * <p>A post's thread is that of the earliest indexed message its {@code References} or {@code
 * In-Reply-To} name ({@link MessageReferences}, bounded), else a new thread named after the post.
 * Posts are indexed oldest first, lazily: {@link #catchUp} indexes at most {@link #MAX_PER_VIEW}
 * posts when a page is about to be read, and an import indexes each message as it stores it. One
 * indexer per list at a time (an advisory lock in the transaction); a reply indexed before its
 * parent (a parent approved late) starts a thread of its own. Only the first {@link #HEADER_OCTETS}
 * octets of a post are read for its fields. A failure rolls the batch back; the next view retries.
 */
@ApplicationScoped
public class ThreadIndex {
  /** Octets of a post read for its threading fields (an overlong header is cut there). */
  static final int HEADER_OCTETS = 64 * 1024;

  /** Posts indexed per transaction. */
  static final int BATCH = 200;

  /** Posts indexed before one page is shown (a large unindexed archive catches up over views). */
  static final int MAX_PER_VIEW = 2_000;

  private final AgroalDataSource dataSource;

  public ThreadIndex(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Indexes up to {@link #MAX_PER_VIEW} unindexed posts of the list; returns how many. */
  public int catchUp(long listId) throws SQLException {
    int done = 0;
    while (done < MAX_PER_VIEW) {
      int n = Transactions.fromTransaction(dataSource, c -> indexBatch(c, listId));
      done += n;
      if (n < BATCH) {
        break;
      }
    }
    return done;
  }

  private static int indexBatch(Connection c, long listId) throws SQLException {
    lock(c, listId);
    record Candidate(long id, String messageId, Instant at, String subject, byte[] head) {}
    List<Candidate> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.UNINDEXED_POSTS)) {
      ps.setInt(1, HEADER_OCTETS);
      ps.setLong(2, listId);
      ps.setInt(3, BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          batch.add(
              new Candidate(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getTimestamp(3).toInstant(),
                  rs.getString(4),
                  rs.getBytes(5)));
        }
      }
    }
    for (Candidate p : batch) {
      Threading t = Threading.of(p.head());
      String id =
          p.messageId() != null ? MessageReferences.messageId(p.messageId()) : t.messageId();
      index(c, listId, p.id(), id, t.parents(), p.at(), p.subject());
    }
    return batch.size();
  }

  /** Takes the list's indexing lock for the caller's transaction. */
  static void lock(Connection c, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.LOCK_LIST_INDEX)) {
      ps.setInt(1, (int) listId);
      ps.executeQuery().close();
    }
  }

  /**
   * Indexes one post in the caller's transaction (which holds {@link #lock}): its thread found
   * through {@code parents}, its thread row created or grown.
   */
  static void index(
      Connection c,
      long listId,
      long postId,
      String messageId,
      List<String> parents,
      Instant at,
      String subject)
      throws SQLException {
    long thread = postId;
    if (!parents.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.THREAD_OF_PARENTS)) {
        ps.setLong(1, listId);
        ps.setArray(2, c.createArrayOf("text", parents.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            thread = rs.getLong(1);
          }
        }
      }
    }
    Timestamp when = Timestamp.from(at);
    try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.INSERT_ENTRY)) {
      ps.setLong(1, postId);
      ps.setLong(2, listId);
      ps.setString(3, messageId);
      ps.setLong(4, thread);
      ps.setTimestamp(5, when);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
      }
    }
    if (thread == postId) {
      try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.INSERT_THREAD)) {
        ps.setLong(1, thread);
        ps.setLong(2, listId);
        ps.setString(3, subject == null ? null : cut(subject, 998));
        ps.setTimestamp(4, when);
        ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.GROW_THREAD)) {
        ps.setTimestamp(1, when);
        ps.setLong(2, thread);
        ps.executeUpdate();
      }
    }
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }

  /** The threading fields of a message's first octets. */
  record Threading(String messageId, List<String> parents) {
    static Threading of(byte[] head) {
      if (head == null || head.length == 0) {
        return new Threading(null, List.of());
      }
      int end = HeaderBlock.split(head);
      HeaderBlock h = HeaderBlock.parse(head, end);
      String id = h.first("Message-ID").map(HeaderField::value).orElse(null);
      String refs = h.first("References").map(HeaderField::value).orElse(null);
      String reply = h.first("In-Reply-To").map(HeaderField::value).orElse(null);
      return new Threading(MessageReferences.messageId(id), MessageReferences.parents(refs, reply));
    }
  }
}
