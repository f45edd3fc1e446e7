package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.ClientNetwork;

/**
 * The hourly caps on every mail fanmail writes itself: one for every source together ({@code
 * fanmail.requests.max-system-mail-per-hour}) and one per source ({@code
 * max-system-mail-per-source-per-hour}: a sender address, a client network). {@link SystemMail}
 * counts each message it is asked to queue in {@code system_mail_count} with one upsert per key, in
 * the caller's transaction (a rolled-back transaction counts nothing); past hours are dropped by
 * {@link #forgetPastHours}. A refused mail is counted too, so a source that keeps trying stays
 * refused for the hour. Mail an owner, the admin API or a bounce causes has no source and meets the
 * global cap only. A failed count is an {@link SQLException} to the caller.
 */
@ApplicationScoped
public class SystemMailCaps {
  /** The key that counts every source. */
  static final String ALL = "*";

  /** Whether one more mail may be written. */
  public enum Verdict {
    SEND,
    /** Every source together has had its hourly share. */
    GLOBAL_CAP,
    /** This source has had its hourly share. */
    SOURCE_CAP;

    /** The reason recorded (with a request, in a log line) when the mail is not written. */
    public String reason() {
      return switch (this) {
        case SEND -> "sent";
        case GLOBAL_CAP -> "hourly system mail cap reached";
        case SOURCE_CAP -> "hourly system mail cap for its source reached";
      };
    }
  }

  private final AgroalDataSource dataSource;
  private final int global;
  private final int perSource;

  public SystemMailCaps(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    this.global = config.requests().maxSystemMailPerHour();
    this.perSource = config.requests().maxSystemMailPerSourcePerHour();
  }

  /** The key of a sender address. */
  public static String address(String email) {
    return "from:" + email.toLowerCase(Locale.ROOT);
  }

  /** The key of a web client. */
  public static String client(String ip) {
    return "ip:" + ip;
  }

  /**
   * The key of an SMTP client's network ({@link ClientNetwork}: an IPv6 client counts per /64, as
   * the SMTP side's own caps do), for mail a message received over SMTP causes.
   */
  public static String network(String clientAddress) {
    return "net:" + ClientNetwork.of(clientAddress);
  }

  /**
   * Counts one mail for {@code source} (null: none) in {@code c}'s transaction and says whether it
   * may be written. The source is counted first, so one noisy source does not use up the global
   * share with mail it may not send anyway.
   */
  Verdict take(Connection c, String source) throws SQLException {
    if (source != null && count(c, cut(source)) > perSource) {
      return Verdict.SOURCE_CAP;
    }
    return count(c, ALL) > global ? Verdict.GLOBAL_CAP : Verdict.SEND;
  }

  /** Deletes the counts of past hours (a periodic scan calls it); returns how many went. */
  public int forgetPastHours() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(SystemMailQueries.FORGET_OLD_SYSTEM_MAIL_COUNTS)) {
      return ps.executeUpdate();
    }
  }

  private static String cut(String source) {
    return source.length() > 400 ? source.substring(0, 400) : source;
  }

  private static int count(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SystemMailQueries.COUNT_SYSTEM_MAIL)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
