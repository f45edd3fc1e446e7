package org.fanmail.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Post rows written straight with JDBC, as the SMTP stage and the posting chain would leave them:
 * any state, From, subject, envelope sender and bytes.
 */
final class PostRows {
  private final DataSource ds;

  PostRows(DataSource ds) {
    this.ds = ds;
  }

  /** The id of the list with {@code address}. */
  long listId(String address) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id from mailing_list where address = ?")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Inserts a post; returns its id. */
  long post(
      String listAddress,
      String state,
      String envelopeFrom,
      String from,
      String subject,
      byte[] raw,
      Instant receivedAt)
      throws SQLException {
    long listId = listId(listAddress);
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, state, envelope_from, message_id,"
                    + " from_header, subject, raw, size, rule_hits, reason, received_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id")) {
      ps.setLong(1, listId);
      ps.setString(2, listAddress);
      ps.setString(3, state);
      ps.setString(4, envelopeFrom);
      ps.setString(5, "<" + java.util.UUID.randomUUID() + "@example.test>");
      ps.setString(6, from);
      ps.setString(7, subject);
      ps.setBytes(8, raw);
      ps.setInt(9, raw.length);
      ps.setArray(
          10,
          c.createArrayOf(
              "text", "HELD".equals(state) ? new String[] {"non-member"} : new String[0]));
      ps.setString(11, "HELD".equals(state) ? "post by non-member" : null);
      ps.setTimestamp(12, Timestamp.from(receivedAt));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A held post with a simple CRLF message. */
  long held(String listAddress, String subject) throws SQLException {
    byte[] raw =
        ("From: Stranger <stranger@example.test>\r\nSubject: " + subject + "\r\n\r\nhello\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return post(
        listAddress,
        "HELD",
        "stranger@example.test",
        "Stranger <stranger@example.test>",
        subject,
        raw,
        Instant.now());
  }

  String column(long postId, String column) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("select " + column + " from post where id = ?")) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
