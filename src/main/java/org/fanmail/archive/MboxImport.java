package org.fanmail.archive;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.fanmail.config.FanmailConfig;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Imports an mbox into a list's archive ({@code POST /api/lists/{address}/archive.mbox}): each
 * message becomes a post of purpose ARCHIVED, state DONE (never delivered, never in a digest), with
 * its bytes as they were (line ends CRLF), its Message-ID, and the separator line's time (else its
 * {@code Date} field's, else now) as its received time; it is indexed into its thread at once.
 * Streamed ({@link MboxReader}): one message in memory at a time.
 *
 * <p>A message whose Message-ID the list already has (a live post or an earlier import) is a
 * duplicate and skipped, so an import can be repeated or resumed. A message without Message-ID is
 * given {@code <sha256-of-its-bytes@mbox-import.invalid>} in the post row only (its bytes are not
 * changed), so the same message imported twice is still found. Rejected: a message over {@code
 * fanmail.smtp.max-message-size}, or with no header field. Messages are committed in transactions
 * of {@link #BATCH} under the list's indexing lock ({@link ThreadIndex#lock}); a failure rolls back
 * the open batch only and propagates (the counts of committed batches are in the log).
 */
@ApplicationScoped
public class MboxImport {
  private static final Logger LOG = Logger.getLogger(MboxImport.class);

  /** Messages per transaction. */
  static final int BATCH = 100;

  /** Longest header value kept in the post row's columns (RFC 5322 line length). */
  static final int MAX_COLUMN = 998;

  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

  /** What an import did. */
  public record Counts(int imported, int duplicates, int rejected) {}

  private final AgroalDataSource dataSource;
  private final long maxMessage;

  public MboxImport(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.maxMessage = config.smtp().maxMessageSize();
  }

  /** Imports the mbox read from {@code in} into list {@code listId} at {@code listAddress}. */
  public Counts importMbox(
      long listId, String listAddress, InputStream in, MboxReader.Flavour flavour)
      throws SQLException, IOException {
    MboxReader reader = new MboxReader(in, maxMessage, flavour);
    int[] counts = new int[3];
    try (Connection c = dataSource.getConnection()) {
      List<MboxReader.Message> batch = new ArrayList<>(BATCH);
      while (true) {
        MboxReader.Message m = reader.next();
        if (m != null) {
          batch.add(m);
        }
        if (batch.size() == BATCH || (m == null && !batch.isEmpty())) {
          List<MboxReader.Message> todo = List.copyOf(batch);
          batch.clear();
          int[] got = Transactions.fromTransaction(c, tx -> store(tx, listId, listAddress, todo));
          for (int i = 0; i < 3; i++) {
            counts[i] += got[i];
          }
        }
        if (m == null) {
          break;
        }
      }
    }
    if (reader.skippedPreamble()) {
      LOG.infof("list %s: mbox import skipped text before the first From line", listAddress);
    }
    LOG.infof(
        "list %s: mbox import: %d imported, %d duplicates, %d rejected",
        listAddress, counts[0], counts[1], counts[2]);
    return new Counts(counts[0], counts[1], counts[2]);
  }

  private static int[] store(
      Connection c, long listId, String listAddress, List<MboxReader.Message> batch)
      throws SQLException {
    ThreadIndex.lock(c, listId);
    int[] counts = new int[3];
    for (MboxReader.Message m : batch) {
      counts[storeOne(c, listId, listAddress, m)]++;
    }
    return counts;
  }

  /** Stores one message: 0 imported, 1 duplicate, 2 rejected. */
  private static int storeOne(Connection c, long listId, String listAddress, MboxReader.Message m)
      throws SQLException {
    if (m.tooLarge() || m.raw().length == 0) {
      return 2;
    }
    byte[] raw = m.raw();
    int end = HeaderBlock.split(raw);
    HeaderBlock h = HeaderBlock.parse(raw, end);
    if (h.fields().isEmpty()) {
      return 2;
    }
    String messageIdValue = value(h, "Message-ID");
    String normalized = MessageReferences.messageId(messageIdValue);
    String stored;
    if (normalized == null) {
      normalized = sha256(raw) + "@mbox-import.invalid";
      stored = "<" + normalized + ">";
    } else {
      stored = cut(messageIdValue);
    }
    try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.MESSAGE_ID_EXISTS)) {
      ps.setLong(1, listId);
      ps.setString(2, stored);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return 1;
        }
      }
    }
    Instant at = date(value(h, "Date"), m.separator());
    String subject = cut(value(h, "Subject"));
    long postId;
    try (PreparedStatement ps = c.prepareStatement(ArchiveIndexQueries.INSERT_IMPORTED)) {
      ps.setLong(1, listId);
      ps.setString(2, listAddress);
      ps.setString(3, envelopeFrom(m.separator()));
      ps.setString(4, stored);
      ps.setString(5, cut(value(h, "From")));
      ps.setString(6, subject);
      ps.setBytes(7, raw);
      ps.setInt(8, raw.length);
      ps.setTimestamp(9, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        postId = rs.getLong(1);
      }
    }
    ThreadIndex.index(
        c,
        listId,
        postId,
        normalized,
        MessageReferences.parents(value(h, "References"), value(h, "In-Reply-To")),
        at,
        subject);
    return 0;
  }

  private static String value(HeaderBlock h, String name) {
    return h.first(name).map(HeaderField::value).orElse(null);
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_COLUMN ? s : s.substring(0, MAX_COLUMN);
  }

  /** The sender of a separator line; the null sender ({@code MAILER-DAEMON}) is empty. */
  static String envelopeFrom(String separator) {
    String s = separator.strip();
    int sp = s.indexOf(' ');
    String sender = sp < 0 ? s : s.substring(0, sp);
    if (sender.equalsIgnoreCase("MAILER-DAEMON") || sender.length() > MAX_COLUMN) {
      return "";
    }
    return sender;
  }

  /**
   * The message's received time: the separator line's asctime (UTC; when the message reached the
   * mailbox, which is what fanmail's export writes, so a round trip keeps it), else its {@code
   * Date} field (RFC 5322, comments tolerated), else now. The {@code Date} field itself stays in
   * the message's bytes either way.
   */
  static Instant date(String dateField, String separator) {
    String s = separator.strip();
    int sp = s.indexOf(' ');
    if (sp > 0) {
      String t = s.substring(sp + 1).replaceAll("\\s+", " ").strip();
      try {
        return LocalDateTime.parse(t, ASCTIME).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // a separator without a usable time: the Date field is next best
      }
    }
    if (dateField != null) {
      String d = dateField.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
      try {
        return ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // no usable Date either
      }
    }
    return Instant.now();
  }

  private static String sha256(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
