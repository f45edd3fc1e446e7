package org.fanmail.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.fanmail.smtp.SmtpTestClient;

/**
 * The tests' one vocabulary for mail and its rows: lists and members written straight with JDBC (as
 * the REST API would leave them), posts in any state (as the SMTP stage and the posting chain would
 * leave them) or submitted over a real socket to fanmail's SMTP port, the rows read back, and
 * bounded waits for a post or recipient state that fail with the state they last saw. Every list
 * address a test makes up with {@link #uniqueAddress} is its own, so tests never see each other's
 * rows.
 */
public final class TestMail {
  /** The domain of the lists {@link #uniqueAddress} makes up. */
  public static final String LIST_DOMAIN = "lists.fanmail.test";

  private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 .*queued as (\\d+)");

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
      ps.setTimestamp(6, Timestamp.from(receivedAt));
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

  /** A fresh unique list address on {@link #LIST_DOMAIN} with the given tag in it. */
  public static String uniqueAddress(String tag) {
    return tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + LIST_DOMAIN;
  }

  /**
   * Creates a list at {@code address} with a posting policy and non-member action; {@code maxSize}
   * may be null. Returns its address, lower-cased.
   */
  public String listWithPolicy(
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
        ps.setNull(7, Types.BIGINT);
      } else {
        ps.setLong(7, maxSize);
      }
      ps.setArray(8, c.createArrayOf("text", owners));
      ps.executeUpdate();
    }
    return a;
  }

  /** The id of the list with {@code address}. */
  public long listId(String address) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id from mailing_list where address = ?")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no list " + address);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Adds a member with a role and status to the list at {@code listAddress}. */
  public void memberWithRole(String listAddress, String email, String role, String status)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain, role, status) select id, ?, ?, ?, ?"
                    + " from mailing_list where address = ?")) {
      ps.setString(1, email);
      ps.setString(2, email.substring(email.indexOf('@') + 1).toLowerCase(Locale.ROOT));
      ps.setString(3, role);
      ps.setString(4, status);
      ps.setString(5, listAddress);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("no list " + listAddress);
      }
    }
  }

  /**
   * Inserts a post in any {@code state} to the list at {@code listAddress}, with a made-up
   * Message-ID; a HELD post carries the non-member rule hit and its reason. Returns its id.
   */
  public long post(
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
      ps.setString(5, "<" + UUID.randomUUID() + "@example.test>");
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

  /** A post held for a non-member, with a simple CRLF message. Returns its id. */
  public long held(String listAddress, String subject) throws SQLException {
    byte[] raw =
        ("From: Stranger <stranger@example.test>\r\nSubject: " + subject + "\r\n\r\nhello\r\n")
            .getBytes(StandardCharsets.UTF_8);
    return post(
        listAddress,
        "HELD",
        "stranger@example.test",
        "Stranger <stranger@example.test>",
        subject,
        raw,
        Instant.now());
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

  /** One column (or expression over {@code post}) of post {@code postId}, as text. */
  public String postColumn(long postId, String column) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("select " + column + " from post where id = ?")) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Runs one SQL statement (test set-up such as a failing trigger). */
  public void sql(String statement) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(statement)) {
      ps.execute();
    }
  }

  /**
   * Waits until post {@code postId} is in {@code state}; past {@code timeout} fails with the state
   * and reason it was last seen in.
   */
  public void awaitPost(long postId, String state, Duration timeout) {
    awaitPost(postId, state, timeout, () -> "post " + postId + " never reached " + state);
  }

  /** {@link #awaitPost(long, String, Duration)}, the failure opening with {@code context}. */
  public void awaitPost(long postId, String state, Duration timeout, String context) {
    awaitPost(postId, state, timeout, () -> context);
  }

  /** {@link #awaitPost(long, String, Duration)}, the failure opening with {@code context}. */
  public void awaitPost(long postId, String state, Duration timeout, Callable<String> context) {
    Await.value(
        timeout,
        () -> describe(context) + ": post " + postId + " never reached " + state,
        () -> scalar("select state || ': ' || coalesce(reason, '') from post where id = ?", postId),
        seen -> seen != null && seen.startsWith(state + ":"));
  }

  /**
   * Waits until post {@code postId} is expanded ({@code expanded_at} set), whatever its delivery
   * does meanwhile; past {@code timeout} fails with the state it was last seen in.
   */
  public void awaitExpanded(long postId, Duration timeout) {
    Await.value(
        timeout,
        () -> "post " + postId + " never expanded",
        () ->
            scalar(
                "select state || ', expanded at ' || coalesce(expanded_at::text, '(none)')"
                    + " from post where id = ?",
                postId),
        seen -> seen != null && !seen.endsWith("(none)"));
  }

  /**
   * Waits until the recipient row of {@code email} in post {@code postId} is in {@code state}; past
   * {@code timeout} fails with the state and reply it was last seen with.
   */
  public void awaitRecipient(long postId, String email, String state, Duration timeout) {
    Await.value(
        timeout,
        () -> "recipient " + email + " of post " + postId + " never reached " + state,
        () -> recipient(postId, email, "state") + ": " + recipient(postId, email, "last_reply"),
        seen -> seen.startsWith(state + ":"));
  }

  private static String describe(Callable<String> context) {
    try {
      return context.call();
    } catch (Exception e) {
      return "(" + e + ")";
    }
  }

  /** The message with CRLF line ends (any of CRLF, LF, CR in the input). */
  public static byte[] crlf(byte[] message) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n|\n|\r", -1);
    StringBuilder sb = new StringBuilder(text.length() + lines.length);
    for (int i = 0; i < lines.length; i++) {
      if (i == lines.length - 1 && lines[i].isEmpty()) {
        break;
      }
      sb.append(lines[i]).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** True when every line fits SMTP's 1000-octet limit. */
  public static boolean fitsSmtp(byte[] message) {
    for (String line : new String(message, StandardCharsets.ISO_8859_1).split("\r\n|\n|\r")) {
      if (line.length() > 998) {
        return false;
      }
    }
    return true;
  }

  /**
   * Submits {@code message} from {@code from} ("" for the null sender) to {@code rcpt} over a real
   * socket to fanmail's SMTP listener on {@code port}, as a remote MTA would (CRLF line ends,
   * dot-stuffed); returns the post id from the {@code 250 ... queued as} reply.
   */
  public static long submit(int port, String from, String rcpt, byte[] message) throws IOException {
    try (SmtpTestClient c = new SmtpTestClient(port)) {
      expect(c.reply(), "220");
      expect(c.command("EHLO mx.remote.test"), "250");
      expect(c.command("MAIL FROM:<" + from + "> BODY=8BITMIME"), "250");
      expect(c.command("RCPT TO:<" + rcpt + ">"), "250");
      expect(c.command("DATA"), "354");
      String text = new String(crlf(message), StandardCharsets.ISO_8859_1);
      StringBuilder stuffed = new StringBuilder(text.length() + 16);
      for (String line : text.split("\r\n", -1)) {
        if (line.startsWith(".")) {
          stuffed.append('.');
        }
        stuffed.append(line).append("\r\n");
      }
      // split(-1) leaves one empty piece after the final CRLF: it became the CRLF before the dot.
      stuffed.setLength(stuffed.length() - 2);
      c.send(stuffed.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      String reply = c.reply();
      Matcher m = QUEUED.matcher(reply);
      if (!m.find()) {
        throw new IOException("not queued: " + reply);
      }
      c.command("QUIT");
      return Long.parseLong(m.group(1));
    }
  }

  private static void expect(String reply, String code) throws IOException {
    if (!reply.startsWith(code)) {
      throw new IOException("expected " + code + ", got " + reply);
    }
  }

  /**
   * Sets the hourly system mail count of {@code key} (this hour and the next, so an hour boundary
   * during a test cannot matter).
   */
  public void hourlyCount(String key, int sent) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into system_mail_count (source_key, hour, sent)"
                    + " select ?, h, ? from (values (date_trunc('hour', now())),"
                    + " (date_trunc('hour', now()) + interval '1 hour')) v(h)"
                    + " on conflict on constraint system_mail_count_pk do update"
                    + " set sent = excluded.sent")) {
      ps.setString(1, key);
      ps.setInt(2, sent);
      ps.executeUpdate();
    }
  }
}
