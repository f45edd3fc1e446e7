package org.fanmail.smtp;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Creates lists and members directly in the database (the REST API belongs to another stage) and
 * reads back the posts the SMTP server stored. Every list gets a unique address so tests never see
 * each other's rows.
 */
public final class TestLists {
  public static final String DOMAIN = "lists.fanmail.test";

  /** A stored post row, as far as tests look at it. */
  public record Post(
      long id,
      String listAddress,
      String purpose,
      String purposeArg,
      String state,
      String envelopeFrom,
      String messageId,
      String fromHeader,
      String subject,
      byte[] raw,
      List<String> ruleHits,
      String reason,
      String helo,
      String clientAddress) {}

  private final AgroalDataSource ds;

  public TestLists(AgroalDataSource ds) {
    this.ds = ds;
  }

  /** A fresh unique list address with the given tag in it. */
  public static String uniqueAddress(String tag) {
    return tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + DOMAIN;
  }

  /** Creates a list; {@code maxSize} may be null. Returns its address. */
  public String create(
      String address,
      String name,
      String policy,
      String nonMemberAction,
      Long maxSize,
      String... owners)
      throws SQLException {
    String a = address.toLowerCase(Locale.ROOT);
    int at = a.indexOf('@');
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into mailing_list (address, local_part, domain, name, posting_policy,"
                    + " non_member_action, max_message_size, owners) values (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, a);
      ps.setString(2, a.substring(0, at));
      ps.setString(3, a.substring(at + 1));
      ps.setString(4, name);
      ps.setString(5, policy);
      ps.setString(6, nonMemberAction);
      if (maxSize == null) {
        ps.setNull(7, java.sql.Types.BIGINT);
      } else {
        ps.setLong(7, maxSize);
      }
      ps.setArray(8, c.createArrayOf("text", owners));
      ps.executeUpdate();
    }
    return a;
  }

  /** Adds a member. */
  public void member(String list, String email, String role, String status) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain, role, status) select id, ?, ?, ?, ?"
                    + " from mailing_list where address = ?")) {
      ps.setString(1, email);
      ps.setString(2, email.substring(email.indexOf('@') + 1).toLowerCase(Locale.ROOT));
      ps.setString(3, role);
      ps.setString(4, status);
      ps.setString(5, list);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("no list " + list);
      }
    }
  }

  /** Posts stored for {@code listAddress}, oldest first. */
  public List<Post> posts(String listAddress) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select id, list_address, purpose, purpose_arg, state, envelope_from, message_id,"
                    + " from_header, subject, raw, rule_hits, reason, helo, client_address"
                    + " from post where list_address = ? order by id")) {
      ps.setString(1, listAddress);
      List<Post> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Post(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getBytes(10),
                  List.of((String[]) rs.getArray(11).getArray()),
                  rs.getString(12),
                  rs.getString(13),
                  rs.getString(14)));
        }
      }
      return out;
    }
  }

  /** Runs one SQL statement (test set-up such as a failing trigger). */
  public void sql(String statement) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(statement)) {
      ps.execute();
    }
  }
}
