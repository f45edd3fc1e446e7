package org.fanmail.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Test data written straight with JDBC, as the other stages would leave it: a list, its members, an
 * ACCEPTED post. Also polling reads (no fixed sleeps).
 */
public final class TestMail {
  private final DataSource ds;

  public TestMail(DataSource ds) {
    this.ds = ds;
  }

  /** Creates a list {@code local@domain}; returns its id. */
  public long list(String local, String domain, String subjectPrefix, String replyTo)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into mailing_list (address, local_part, domain, name, subject_prefix,"
                    + " reply_to) values (?, ?, ?, ?, ?, ?) returning id")) {
      ps.setString(1, (local + "@" + domain).toLowerCase(Locale.ROOT));
      ps.setString(2, local);
      ps.setString(3, domain);
      ps.setString(4, "List " + local);
      ps.setString(5, subjectPrefix);
      ps.setString(6, replyTo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Adds {@code count} members {@code prefix1@domain ...}. */
  public void members(long listId, String prefix, String domain, int count) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain)"
                    + " select ?, ? || g || '@' || ?, ? from generate_series(1, ?) g")) {
      ps.setLong(1, listId);
      ps.setString(2, prefix);
      ps.setString(3, domain);
      ps.setString(4, domain);
      ps.setInt(5, count);
      ps.executeUpdate();
    }
  }

  /** Adds one member with a given status and delivery mode. */
  public void member(long listId, String email, String status, String mode) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain, status, delivery_mode)"
                    + " values (?, ?, ?, ?, ?)")) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      ps.setString(3, email.substring(email.indexOf('@') + 1).toLowerCase(Locale.ROOT));
      ps.setString(4, status);
      ps.setString(5, mode);
      ps.executeUpdate();
    }
  }

  /** A raw message with a unique Message-ID; CRLF line ends. */
  public static byte[] message(String messageId, String listAddress, String subject, String body) {
    String text =
        "Received: from client.test (client.test [127.0.0.1])\r\n"
            + "\tby fanmail.test with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
            + "From: Poster <poster@example.test>\r\n"
            + "To: "
            + listAddress
            + "\r\n"
            + "Subject: "
            + subject
            + "\r\n"
            + "Message-ID: <"
            + messageId
            + ">\r\n"
            + "X-Odd:   kept   as\r\n  folded\r\n"
            + "\r\n"
            + body;
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static String uniqueId() {
    return UUID.randomUUID() + "@example.test";
  }

  /** Inserts an ACCEPTED post; returns its id. */
  public long acceptedPost(long listId, String listAddress, byte[] raw, Instant receivedAt)
      throws SQLException {
    return acceptedPost(listId, listAddress, raw, receivedAt, "poster@example.test");
  }

  /** Inserts an ACCEPTED post from envelope sender {@code from}; returns its id. */
  public long acceptedPost(
      long listId, String listAddress, byte[] raw, Instant receivedAt, String from)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, state, envelope_from, raw, size,"
                    + " received_at) values (?, ?, 'ACCEPTED', ?, ?, ?, ?)"
                    + " returning id")) {
      ps.setLong(1, listId);
      ps.setString(2, listAddress);
      ps.setString(3, from);
      ps.setBytes(4, raw);
      ps.setInt(5, raw.length);
      ps.setTimestamp(6, java.sql.Timestamp.from(receivedAt));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public String postState(long postId) throws SQLException {
    return scalar("select state from post where id = ?", postId);
  }

  /** A single value of a one-parameter query (as text). */
  public String scalar(String sql, Object param) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** One column of the recipient row of {@code email} in post {@code postId}, as text. */
  public String recipient(long postId, String email, String column) throws SQLException {
    if (!column.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a column name: " + column);
    }
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select " + column + " from recipient where post_id = ? and email = ?")) {
      ps.setLong(1, postId);
      ps.setString(2, email);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Polls until the post reaches {@code state}; false on timeout. */
  public boolean awaitPostState(long postId, String state, Duration timeout) {
    return org.fanmail.testing.sink.SmtpSink.await(
        timeout,
        () -> {
          try {
            return state.equals(postState(postId));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
