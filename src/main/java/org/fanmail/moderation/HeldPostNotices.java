package org.fanmail.moderation;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.ListContacts;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostState;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.fanmail.stage.Stage;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Tells a list's moderators and owners about each newly held post: one notice per post naming the
 * sender, the subject and why it was held, with a link to the moderation page ({@link
 * ModerationLinks}) and the admin API calls.
 *
 * <p>Exactly once: the notice is queued as system mail and {@code post.notified_at} set in one
 * transaction on the claimed post row, so a crash before the commit leaves the post for the next
 * scan and a crash after it leaves nothing to repeat. A list with nobody to tell is marked too
 * (logged), so it is not retried forever. Woken by {@link PostCommitted}; a periodic scan is the
 * truth.
 *
 * <p>Bounded: each notice is counted against the hourly system mail caps ({@link SystemMailCaps}),
 * its source the network the post came from (its envelope sender when that is unknown), so a flood
 * of held posts from forged senders cannot make fanmail mail the moderators without bound. A notice
 * past a cap is skipped, not postponed: the post is still held and listed over REST, the row is
 * marked notified (a retry would only count again), and the skip is logged with the post id and
 * counted in {@code fanmail.system.mail.withheld}.
 */
@ApplicationScoped
public class HeldPostNotices {
  private static final Logger LOG = Logger.getLogger(HeldPostNotices.class);

  /** Notices sent per scan; the next scan continues. */
  static final int MAX_PER_SCAN = 1000;

  /** Hints kept in memory at most; past it they are dropped and the scan covers them. */
  private static final int MAX_HINTS = 10_000;

  /** Hinted ids handed to one drain call (each is still its own transaction). */
  private static final int HINT_BATCH = 500;

  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final ModerationLinks links;
  private final FanmailConfig config;

  /** One worker; hints past a bounded queue are dropped (the scan covers them). */
  private final Stage stage =
      new Stage(
          "held-post notice",
          "held-notices",
          LOG,
          MAX_HINTS,
          HINT_BATCH,
          Stage.eachHinted(
              LOG, "post %d: held-post notice failed, the next scan retries it", this::notifyNext));

  public HeldPostNotices(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      ModerationLinks links,
      FanmailConfig config) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.links = links;
    this.config = config;
  }

  void onPostCommitted(@ObservesAsync PostCommitted event) {
    if (!event.mayHaveState(PostState.HELD)) {
      return;
    }
    stage.hint(event.postIds());
  }

  @Scheduled(
      every = "${fanmail.moderation.scan-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    stage.scan(
        () -> {
          Stage.untilNone(MAX_PER_SCAN, this::notifyNext);
        });
  }

  /** Notifies about one held post ({@code postId}, or the oldest); false when there was none. */
  public boolean notifyNext(Long postId) throws SQLException {
    Notified n = Transactions.fromTransaction(dataSource, c -> claimAndNotify(c, postId));
    if (n == null) {
      return false;
    }
    if (n.systemMail() != null) {
      LOG.infof("post %d: moderators told (system mail %d)", n.postId(), n.systemMail());
      systemMail.wake(List.of(n.systemMail()));
    }
    return true;
  }

  /**
   * A held post marked notified, and the system mail queued for it (null: nobody to tell, or a cap
   * withheld it).
   */
  private record Notified(long postId, Long systemMail) {}

  /** In the transaction: claims one unnotified held post, queues its notice, marks it. */
  private Notified claimAndNotify(Connection c, Long postId) throws SQLException {
    Long queued = null;
    long id;
    try (PreparedStatement ps =
        c.prepareStatement(
            postId == null
                ? ModerationQueries.CLAIM_UNNOTIFIED
                : ModerationQueries.CLAIM_UNNOTIFIED_BY_ID)) {
      if (postId != null) {
        ps.setLong(1, postId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        id = rs.getLong(1);
        Array hits = rs.getArray(11);
        Held held =
            new Held(
                id,
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                hits == null ? List.of() : Arrays.asList((String[]) hits.getArray()),
                rs.getTimestamp(12).toInstant(),
                rs.getInt(13));
        String client = rs.getString(14);
        List<String> to = ListContacts.moderators(c, held.listId());
        if (to.isEmpty()) {
          LOG.warnf("post %d: held on %s, which has no moderators or owners", id, held.list());
        } else {
          byte[] raw = compose(held);
          SystemMail.Queued q =
              systemMail.queue(
                  c,
                  new SystemMail.Message(held.listId(), held.list(), "", to, subject(held), raw),
                  source(client, held.envelopeFrom()));
          if (q.written()) {
            queued = q.postId();
          } else {
            LOG.warnf(
                "post %d: held on %s, moderators not told: %s (client %s); it waits over REST",
                id, held.list(), q.verdict().reason(), client);
          }
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(ModerationQueries.MARK_NOTIFIED)) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
    return new Notified(id, queued);
  }

  /**
   * Whose hourly share a notice uses: the client network the post came from (a forged sender costs
   * nothing, a network does), else its envelope sender.
   */
  static String source(String clientAddress, String envelopeFrom) {
    if (clientAddress != null && !clientAddress.isBlank()) {
      return SystemMailCaps.network(clientAddress);
    }
    return SystemMailCaps.address(
        envelopeFrom == null || envelopeFrom.isBlank() ? "<>" : envelopeFrom);
  }

  /** A held post as the notice describes it. */
  record Held(
      long id,
      long listId,
      String list,
      String listName,
      String localPart,
      String domain,
      String envelopeFrom,
      String from,
      String subject,
      String reason,
      List<String> ruleHits,
      Instant receivedAt,
      int size) {}

  private static String subject(Held h) {
    String s = h.subject() == null || h.subject().isBlank() ? "(no subject)" : h.subject();
    return "Held for moderation on " + h.list() + ": " + s;
  }

  byte[] compose(Held h) {
    Instant expires = h.receivedAt().plus(config.moderation().holdExpiry());
    String owner = h.localPart() + "-owner@" + h.domain();
    String api = links.apiBase() + "/api/lists/" + h.list() + "/held/" + h.id();
    StringBuilder b = new StringBuilder();
    b.append("A post to ").append(h.list()).append(" waits for a moderator.\n\n");
    b.append("  From:      ").append(oneLine(h.from(), "(none)")).append('\n');
    b.append("  Sender:    ")
        .append(h.envelopeFrom() == null || h.envelopeFrom().isEmpty() ? "<>" : h.envelopeFrom())
        .append('\n');
    b.append("  Subject:   ").append(oneLine(h.subject(), "(none)")).append('\n');
    b.append("  Received:  ").append(h.receivedAt()).append('\n');
    b.append("  Size:      ").append(h.size()).append(" octets\n");
    b.append("  Held:      ").append(oneLine(h.reason(), "(no reason recorded)"));
    if (!h.ruleHits().isEmpty()) {
      b.append(" (rules: ").append(String.join(", ", h.ruleHits())).append(')');
    }
    b.append("\n\nApprove or discard it here:\n  ")
        .append(links.link(h.listId(), h.id(), expires))
        .append("\n\nUndecided, it is discarded on ")
        .append(expires)
        .append(" and the link stops working.\n\nWith the admin API:\n  POST ")
        .append(api)
        .append("/approve\n  POST ")
        .append(api)
        .append("/reject   {\"reason\": \"...\"}  (the poster is told the reason)\n  POST ")
        .append(api)
        .append("/discard\n");
    return MessageComposer.message(
            MessageComposer.mailbox(h.listName(), owner),
            owner,
            subject(h),
            h.domain(),
            "auto-generated")
        .header("X-Fanmail-Notice", "held")
        .header("X-Fanmail-Post", Long.toString(h.id()))
        .body(b.toString())
        .toBytes();
  }

  private static String oneLine(String s, String empty) {
    if (s == null || s.isBlank()) {
      return empty;
    }
    String v = s.replaceAll("[\\r\\n]+\\s*", " ").strip();
    return v.length() > 300 ? v.substring(0, 300) + "…" : v;
  }

  /**
   * Shutdown: hints still queued are dropped, not run against a closing pool (the scan has them).
   */
  void onStop(@Observes ShutdownEvent event) {
    stage.stop();
  }
}
