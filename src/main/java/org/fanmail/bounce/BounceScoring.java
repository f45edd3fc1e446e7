package org.fanmail.bounce;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.ListContacts;
import org.fanmail.list.MemberStatus;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.jboss.logging.Logger;

/**
 * The one place where bounces change members, for DSNs and plain-text bounces ({@link BounceStage})
 * and for 5xx replies during delivery alike. A permanent failure adds 1 to the score at most once a
 * day (a score whose last bounce is older than {@code fanmail.bounce.stale-after} starts again at
 * 1); a temporary one is recorded only. At {@code fanmail.bounce.threshold} an ACTIVE member
 * becomes DISABLED_BY_BOUNCE and the list's owners get a notice.
 *
 * <p>Burst guard: at most {@code max-disables-per-destination-per-day} members of one list and
 * recipient domain are disabled within a day (counted under an advisory lock, so concurrent
 * transactions cannot overshoot); past it the scores still rise but the disable waits for the
 * member's next scored bounce, and the owners are told once a day that the domain looks like it
 * blocks the list. Every bounce leaves a {@code bounce_event} row.
 *
 * <p>Runs inside the caller's transaction (members locked in id order) and queues the notices in
 * it, so outcome, score and notice commit together; call {@link #wake} with {@link
 * Result#notices()} after the commit.
 */
@ApplicationScoped
public class BounceScoring {
  private static final Logger LOG = Logger.getLogger(BounceScoring.class);
  static final int MAX_DIAGNOSTIC = 1000;
  private static final Pattern REPLY_STATUS =
      Pattern.compile("^([245])\\d\\d[ -]+([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

  /** Where a bounce came from; stored in {@code bounce_event.source}. */
  public enum Source {
    /** An RFC 3464 delivery status notification. */
    DSN,
    /** A plain-text (non-standard) bounce, or an unparsed one to a VERP address. */
    TEXT,
    /** A reply of the receiving server during our delivery. */
    SMTP
  }

  /** One failure to record for one member. */
  public record Failure(
      long memberId,
      Source source,
      Long postId,
      String action,
      String status,
      String diagnostic,
      boolean permanent) {}

  /** What happened to one member: the event's outcome and the score after it. */
  public record Scored(long memberId, String email, String outcome, int scoreAfter) {}

  /** The outcomes, and the system mail to wake after the commit. */
  public record Result(List<Scored> scored, List<Long> notices) {}

  /** The list a member belongs to, as notices need it. */
  record ListRef(long id, String address, String name, String localPart, String domain) {}

  /** A member this call disabled. */
  record Disabled(String email, int score, String status, String diagnostic) {}

  private final FanmailConfig config;
  private final SystemMail systemMail;

  public BounceScoring(FanmailConfig config, SystemMail systemMail) {
    this.config = config;
    this.systemMail = systemMail;
  }

  /**
   * Records the 5xx refusals of a delivery attempt (parallel arrays: the recipient's position in
   * the delivery row, reply); recipients without a member (system mail) are skipped.
   */
  public Result recordRefusals(Connection c, long deliveryId, Integer[] positions, String[] replies)
      throws SQLException {
    Map<Integer, String> replyOf = new LinkedHashMap<>();
    for (int i = 0; i < positions.length; i++) {
      replyOf.put(positions[i], replies[i]);
    }
    List<Failure> failures = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.MEMBERS_OF_RECIPIENTS)) {
      ps.setArray(1, c.createArrayOf("integer", positions));
      ps.setLong(2, deliveryId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String reply = replyOf.get(rs.getInt(1));
          failures.add(
              new Failure(
                  rs.getLong(2), Source.SMTP, null, "failed", statusOf(reply), reply, true));
        }
      }
    }
    return record(c, failures);
  }

  /** The enhanced status of an SMTP reply ({@code 550 5.1.1 ...}), or {@code 5.0.0} from 550. */
  static String statusOf(String reply) {
    if (reply == null || reply.isEmpty()) {
      return null;
    }
    Matcher m = REPLY_STATUS.matcher(reply);
    if (m.find() && m.group(1).charAt(0) == m.group(2).charAt(0)) {
      return m.group(2);
    }
    char first = reply.charAt(0);
    return first == '4' || first == '5' ? first + ".0.0" : null;
  }

  /** Records the failures (at most one per member is kept: the first permanent, else the first). */
  public Result record(Connection c, List<Failure> failures) throws SQLException {
    Map<Long, Failure> perMember = new LinkedHashMap<>();
    for (Failure f : failures) {
      Failure seen = perMember.get(f.memberId());
      if (seen == null || (!seen.permanent() && f.permanent())) {
        perMember.put(f.memberId(), f);
      }
    }
    List<Failure> ordered = new ArrayList<>(perMember.values());
    ordered.sort(Comparator.comparingLong(Failure::memberId));

    List<Scored> scored = new ArrayList<>();
    Map<Long, ListRef> lists = new LinkedHashMap<>();
    Map<Long, List<Disabled>> disabled = new LinkedHashMap<>();
    Map<Long, List<String>> bursts = new LinkedHashMap<>();
    for (Failure f : ordered) {
      ListRef list;
      String email;
      String domain;
      String status;
      int score;
      try (PreparedStatement ps = c.prepareStatement(BounceQueries.LOCK_MEMBER)) {
        ps.setLong(1, f.memberId());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            continue; // removed meanwhile
          }
          list =
              new ListRef(
                  rs.getLong(1),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9));
          email = rs.getString(2);
          domain = rs.getString(3);
          status = rs.getString(4);
          score = rs.getInt(5);
        }
      }
      String outcome;
      if (!f.permanent()) {
        outcome = "TEMPORARY";
      } else {
        Integer after = score(c, f.memberId());
        if (after == null) {
          outcome = "NOT_SCORED";
        } else {
          score = after;
          outcome = "SCORED";
          if (score >= config.bounce().threshold() && MemberStatus.ACTIVE.name().equals(status)) {
            if (disableWithinCap(c, list.id(), domain, f.memberId())) {
              outcome = "DISABLED";
              lists.put(list.id(), list);
              disabled
                  .computeIfAbsent(list.id(), k -> new ArrayList<>())
                  .add(new Disabled(email, score, f.status(), diagnostic(f.diagnostic())));
            } else {
              outcome = "DISABLE_WAITING";
              if (noteBurst(c, list.id(), domain)) {
                lists.put(list.id(), list);
                bursts.computeIfAbsent(list.id(), k -> new ArrayList<>()).add(domain);
              }
            }
          }
        }
      }
      insertEvent(c, list.id(), f, email, domain, outcome, score);
      scored.add(new Scored(f.memberId(), email, outcome, score));
      LOG.infof(
          "bounce: %s on %s, %s %s (%s), score %d",
          email, list.address(), f.source(), f.status(), outcome, score);
    }
    List<Long> notices = new ArrayList<>();
    for (Map.Entry<Long, List<Disabled>> e : disabled.entrySet()) {
      ListRef list = lists.get(e.getKey());
      notify(c, list, BounceNotices.disabled(list, e.getValue(), config), notices);
    }
    for (Map.Entry<Long, List<String>> e : bursts.entrySet()) {
      ListRef list = lists.get(e.getKey());
      for (String domain : e.getValue()) {
        notify(c, list, BounceNotices.burst(list, domain, config), notices);
      }
    }
    return new Result(scored, notices);
  }

  /** After the commit: hands the queued notices to the expander. */
  public void wake(Result result) {
    systemMail.wake(result.notices());
  }

  private Integer score(Connection c, long memberId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.SCORE)) {
      ps.setDouble(1, config.bounce().staleAfter().toMillis() / 1000.0);
      ps.setLong(2, memberId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  private boolean disableWithinCap(Connection c, long listId, String domain, long memberId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.LOCK_DESTINATION)) {
      ps.setString(1, listId + ":" + domain);
      ps.executeQuery().close();
    }
    long today;
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.DISABLES_TODAY)) {
      ps.setLong(1, listId);
      ps.setString(2, domain);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        today = rs.getLong(1);
      }
    }
    if (today >= config.bounce().maxDisablesPerDestinationPerDay()) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.DISABLE)) {
      ps.setLong(1, memberId);
      return ps.executeUpdate() == 1;
    }
  }

  private static boolean noteBurst(Connection c, long listId, String domain) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.NOTE_BURST)) {
      ps.setLong(1, listId);
      ps.setString(2, domain);
      return ps.executeUpdate() == 1;
    }
  }

  private static void insertEvent(
      Connection c, long listId, Failure f, String email, String domain, String outcome, int score)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.INSERT_EVENT)) {
      int i = 1;
      ps.setLong(i++, listId);
      ps.setLong(i++, f.memberId());
      ps.setString(i++, email);
      ps.setString(i++, domain);
      ps.setString(i++, f.source().name());
      if (f.postId() == null) {
        ps.setNull(i++, Types.BIGINT);
      } else {
        ps.setLong(i++, f.postId());
      }
      ps.setString(i++, cut(f.action(), 64));
      ps.setString(i++, cut(f.status(), 32));
      ps.setString(i++, diagnostic(f.diagnostic()));
      ps.setString(i++, outcome);
      ps.setInt(i, score);
      ps.executeUpdate();
    }
  }

  private void notify(Connection c, ListRef list, BounceNotices.Notice n, List<Long> notices)
      throws SQLException {
    List<String> owners = ListContacts.owners(c, list.id());
    if (owners.isEmpty()) {
      LOG.warnf("bounce notice for %s not sent: the list has no owners", list.address());
      return;
    }
    String ownerAddress = list.localPart() + "-owner@" + list.domain();
    byte[] raw =
        MessageComposer.message(
                MessageComposer.mailbox(list.name(), ownerAddress),
                ownerAddress,
                n.subject(),
                list.domain(),
                "auto-generated")
            .header("X-Fanmail-Notice", n.kind())
            .body(n.body())
            .toBytes();
    // The null sender: a notice that cannot be delivered must not bounce back into scoring. No
    // outsider chooses these (the per-domain guard bounds them): the global cap only.
    SystemMail.Queued q =
        systemMail.queue(
            c,
            new SystemMail.Message(list.id(), list.address(), "", owners, n.subject(), raw),
            null);
    if (q.written()) {
      notices.add(q.postId());
    } else {
      LOG.warnf(
          "bounce notice for %s not sent: %s (%s)", list.address(), q.verdict().reason(), n.kind());
    }
  }

  static String diagnostic(String d) {
    return cut(d == null ? null : d.replaceAll("\\s+", " ").strip(), MAX_DIAGNOSTIC);
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
