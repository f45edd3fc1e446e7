package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fanmail.mail.EmailAddress;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Queues mail that fanmail writes itself (confirmations, notices, replies to commands, forwards to
 * owners) for the same fan-out and delivery engine as posts: one post row with purpose {@code
 * SYSTEM}, already ACCEPTED, whose recipients are named in {@code addressed_to} instead of expanded
 * from the members. The message goes out exactly as given (no list decoration), with the given
 * envelope sender ({@code ""} for the null sender).
 *
 * <p>Invariants: at most {@link #MAX_RECIPIENTS} distinct, valid recipients (case-insensitive);
 * every message is counted against the hourly caps of {@link SystemMailCaps} before it is written,
 * and one past a cap is not written (the caller hears which cap, logs it and records it where its
 * operator looks; {@code fanmail.system.mail.withheld} counts them by cap): there is no way to
 * queue system mail around the caps. {@link #queue} writes inside the caller's transaction, so a
 * processed request and its reply commit or roll back together; {@link #wake} after the commit is a
 * hint, the expander's scan finds the row anyway.
 */
@ApplicationScoped
public class SystemMail {
  private static final Logger LOG = Logger.getLogger(SystemMail.class);

  /** Recipients of one system message (owners and moderators of a list, a poster). */
  public static final int MAX_RECIPIENTS = 1000;

  /** Largest system message accepted (a forward to the owners carries the whole original). */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  /**
   * One message to queue.
   *
   * @param listId the list it is about (its bounces come back to that list)
   * @param listAddress the list address, for the row's {@code list_address}
   * @param envelopeFrom the reverse path, {@code ""} for {@code MAIL FROM:<>}
   * @param to the recipients (validated, deduplicated case-insensitively)
   * @param subject the Subject, for the status API and logs
   * @param raw the whole message, CRLF line ends
   */
  public record Message(
      long listId,
      String listAddress,
      String envelopeFrom,
      Collection<String> to,
      String subject,
      byte[] raw) {}

  /**
   * What became of a message: written as post {@code postId}, or withheld by a cap ({@code postId}
   * null).
   */
  public record Queued(Long postId, SystemMailCaps.Verdict verdict) {
    public boolean written() {
      return postId != null;
    }
  }

  private final AgroalDataSource dataSource;
  private final Event<PostCommitted> committed;
  private final SystemMailCaps caps;
  private final MeterRegistry meters;

  public SystemMail(
      AgroalDataSource dataSource,
      Event<PostCommitted> committed,
      SystemMailCaps caps,
      MeterRegistry meters) {
    this.dataSource = dataSource;
    this.committed = committed;
    this.caps = caps;
    this.meters = meters;
  }

  /**
   * Counts the message against the hourly caps for {@code source} (a {@link SystemMailCaps} key;
   * null when no outsider caused it: the global cap only) and, within them, writes it; all in the
   * caller's transaction. Call {@link #wake} with a written message's id after the commit.
   *
   * @throws IllegalArgumentException no valid recipient, too many, or too large (nothing counted)
   */
  public Queued queue(Connection c, Message m, String source) throws SQLException {
    List<String> to = recipients(m.to());
    if (m.raw().length > MAX_BYTES) {
      throw new IllegalArgumentException("system message larger than " + MAX_BYTES + " octets");
    }
    SystemMailCaps.Verdict verdict = caps.take(c, source);
    if (verdict != SystemMailCaps.Verdict.SEND) {
      meters
          .counter(
              "fanmail.system.mail.withheld",
              "cap",
              verdict == SystemMailCaps.Verdict.GLOBAL_CAP ? "global" : "source")
          .increment();
      return new Queued(null, verdict);
    }
    return new Queued(insert(c, m, to), verdict);
  }

  private static long insert(Connection c, Message m, List<String> to) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SystemMailQueries.INSERT_SYSTEM_POST)) {
      int i = 1;
      ps.setLong(i++, m.listId());
      ps.setString(i++, m.listAddress());
      ps.setString(i++, m.envelopeFrom());
      ps.setString(i++, m.subject());
      ps.setBytes(i++, m.raw());
      ps.setInt(i++, m.raw().length);
      ps.setArray(i, c.createArrayOf("text", to.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** {@link #queue} in a transaction of its own, then the wake-up when the message was written. */
  public Queued send(Message m, String source) throws SQLException {
    Queued q = Transactions.fromTransaction(dataSource, c -> queue(c, m, source));
    if (q.written()) {
      wake(List.of(q.postId()));
    }
    return q;
  }

  /** After the commit: asks the expander to pick the rows up now rather than at its next scan. */
  public void wake(List<Long> postIds) {
    if (postIds.isEmpty()) {
      return;
    }
    try {
      committed.fireAsync(
          new PostCommitted(
              List.copyOf(postIds), Set.of(PostPurpose.SYSTEM), Set.of(PostState.ACCEPTED)));
    } catch (RuntimeException e) {
      LOG.debugf(e, "wake-up for system mail %s not delivered; the scan finds it", postIds);
    }
  }

  static List<String> recipients(Collection<String> given) {
    Set<String> keys = new LinkedHashSet<>();
    List<String> out = new java.util.ArrayList<>();
    for (String s : given) {
      EmailAddress a = EmailAddress.parse(s);
      if (keys.add(a.key())) {
        out.add(a.toString());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a system message needs at least one recipient");
    }
    if (out.size() > MAX_RECIPIENTS) {
      throw new IllegalArgumentException(
          "a system message may have at most " + MAX_RECIPIENTS + " recipients");
    }
    return out;
  }
}
