package org.fanmail.queue;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.LinkTokens;
import org.jboss.logging.Logger;

/**
 * Stores the posts of one SMTP transaction durably: one database transaction, one {@code post} row
 * per (list, purpose), the raw bytes streamed from the caller's buffer with the {@code Received:}
 * prefix in front.
 *
 * <p>All or nothing: either every row is committed and the ids are returned, or the transaction is
 * rolled back and an exception propagates (the SMTP front end answers {@code 451 4.3.0}). Only
 * after the commit is {@link PostCommitted} fired. Blocking: call from a worker thread.
 *
 * <p>A confirmation token never reaches the row: the argument of a {@code CONFIRM} post (the token
 * of {@code list-confirm+TOKEN}) is stored as its {@link ConfirmReference}, or as nothing.
 */
@ApplicationScoped
public class PostStore {
  private static final Logger LOG = Logger.getLogger(PostStore.class);

  /** The message bytes as received, readable more than once. */
  public interface RawMessage {
    InputStream open() throws IOException;

    long size();
  }

  /** What every row of one transaction shares. */
  public record Envelope(
      String envelopeFrom,
      String messageId,
      String fromHeader,
      String subject,
      String clientAddress,
      String helo) {}

  /**
   * One row to store. {@code state}: ACCEPTED, HELD, DISCARDED or RECEIVED; {@code purposeArg}: the
   * part of the address after {@code +} (for {@code CONFIRM}, the token: kept as its reference).
   */
  public record NewPost(
      Long listId,
      String listAddress,
      PostPurpose purpose,
      String purposeArg,
      PostState state,
      List<String> ruleHits,
      String reason) {}

  private final AgroalDataSource dataSource;
  private final Event<PostCommitted> committed;
  private final LinkTokens tokens;

  public PostStore(
      AgroalDataSource dataSource, Event<PostCommitted> committed, FanmailConfig config) {
    this.dataSource = dataSource;
    this.committed = committed;
    this.tokens = LinkTokens.of(config);
  }

  /** What the row keeps of the address's argument: never a confirmation token. */
  private String storedArg(NewPost p) {
    if (p.purpose() != PostPurpose.CONFIRM) {
      return p.purposeArg();
    }
    return ConfirmReference.ofToken(p.purposeArg(), tokens)
        .map(ConfirmReference::stored)
        .orElse(null);
  }

  /**
   * Stores {@code posts} in one transaction.
   *
   * @param prefix bytes put in front of the message (our Received header)
   * @return the new post ids, in the order of {@code posts}
   */
  public List<Long> store(Envelope envelope, byte[] prefix, RawMessage raw, List<NewPost> posts)
      throws SQLException, IOException {
    long size = prefix.length + raw.size();
    if (size > Integer.MAX_VALUE) {
      throw new IOException("message too large to store");
    }
    List<Long> ids = new ArrayList<>();
    // One row (the usual post: one list) is one statement, durable when it returns: no explicit
    // transaction, one round trip fewer. Several rows commit together.
    boolean together = posts.size() > 1;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(!together);
      try (PreparedStatement ps = c.prepareStatement(PostQueries.INSERT_POST)) {
        for (NewPost p : posts) {
          try (InputStream body =
              new SequenceInputStream(new ByteArrayInputStream(prefix), raw.open())) {
            int i = 1;
            if (p.listId() == null) {
              ps.setNull(i++, Types.BIGINT);
            } else {
              ps.setLong(i++, p.listId());
            }
            ps.setString(i++, p.listAddress());
            ps.setString(i++, p.purpose().name());
            ps.setString(i++, storedArg(p));
            ps.setString(i++, p.state().name());
            ps.setString(i++, envelope.envelopeFrom());
            ps.setString(i++, envelope.messageId());
            ps.setString(i++, envelope.fromHeader());
            ps.setString(i++, envelope.subject());
            ps.setBinaryStream(i++, body, size);
            ps.setInt(i++, (int) size);
            ps.setArray(i++, c.createArrayOf("text", p.ruleHits().toArray(new String[0])));
            ps.setString(i++, p.reason());
            ps.setString(i++, envelope.clientAddress());
            ps.setString(i++, envelope.helo());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              ids.add(rs.getLong(1));
            }
          }
        }
        if (together) {
          c.commit();
        }
      } catch (SQLException | IOException | RuntimeException e) {
        if (together) {
          try {
            c.rollback();
          } catch (SQLException rollback) {
            e.addSuppressed(rollback);
          }
        }
        throw e;
      }
    }
    try {
      Set<PostPurpose> purposes = EnumSet.noneOf(PostPurpose.class);
      Set<PostState> states = EnumSet.noneOf(PostState.class);
      for (NewPost p : posts) {
        purposes.add(p.purpose());
        states.add(p.state());
      }
      committed.fireAsync(
          new PostCommitted(List.copyOf(ids), Set.copyOf(purposes), Set.copyOf(states)));
    } catch (RuntimeException e) {
      // A hint only: the periodic scan finds the posts anyway.
      LOG.debugf(e, "PostCommitted for %s not delivered", ids);
    }
    return ids;
  }
}
