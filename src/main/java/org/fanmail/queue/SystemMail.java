package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
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
 * {@link #queue(Connection, Message)} writes inside the caller's transaction, so a processed
 * request and its reply commit or roll back together; {@link #wake} after the commit is a hint, the
 * expander's scan finds the row anyway.
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

  private final AgroalDataSource dataSource;
  private final Event<PostCommitted> committed;

  public SystemMail(AgroalDataSource dataSource, Event<PostCommitted> committed) {
    this.dataSource = dataSource;
    this.committed = committed;
  }

  /**
   * Writes the message in the caller's transaction and returns its post id; call {@link #wake} with
   * it after the commit.
   *
   * @throws IllegalArgumentException no valid recipient, too many, or too large
   */
  public long queue(Connection c, Message m) throws SQLException {
    List<String> to = recipients(m.to());
    if (m.raw().length > MAX_BYTES) {
      throw new IllegalArgumentException("system message larger than " + MAX_BYTES + " octets");
    }
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

  /** Queues the message in its own transaction and wakes the expander; returns the post id. */
  public long send(Message m) throws SQLException {
    long id = Transactions.fromTransaction(dataSource, c -> queue(c, m));
    wake(List.of(id));
    return id;
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
