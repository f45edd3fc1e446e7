package org.fanmail.web;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.fanmail.request.Subscriptions;
import org.jboss.logging.Logger;

/**
 * What the public unsubscribe pages do: read the list and member a token names, remove a member,
 * and mail the confirmation link asked for on the list-level form. Each method is one short
 * database transaction (blocking: call from worker threads); SQL errors propagate and the page
 * answers 503.
 *
 * <p>Invariants: {@link #unsubscribe} is idempotent (an absent member is not an error) and touches
 * only a member of the given list. {@link #requestConfirmation} never tells its caller whether the
 * address is a member; it mails at most one confirmation per member per {@code
 * fanmail.unsubscribe.confirm-interval} (remembered in memory, for at most {@link
 * LinkPacing#MAX_REMEMBERED} members), always to the member's stored address, and none past the
 * hourly system mail caps ({@link SystemMailCaps}: global and per client IP; logged).
 */
@ApplicationScoped
public class UnsubscribeService {
  private static final Logger LOG = Logger.getLogger(UnsubscribeService.class);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Members whose last confirmation time is remembered (least recently sent forgotten first). */
  /** What the pages show of a list. */
  public record ListInfo(long id, String address, String localPart, String domain, String name) {}

  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final Subscriptions subscriptions;
  private final LinkTokens tokens;
  private final String base;
  private final Duration confirmTtl;
  private final Clock clock = Clock.systemUTC();
  private final LinkPacing pacing;

  public UnsubscribeService(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      Subscriptions subscriptions,
      FanmailConfig config) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.subscriptions = subscriptions;
    this.tokens = LinkTokens.of(config);
    String b = config.publicUrl().toString();
    this.base = (b.endsWith("/") ? b : b + "/") + "unsubscribe/";
    this.confirmTtl = config.unsubscribe().confirmTtl();
    this.pacing = new LinkPacing(config.unsubscribe().confirmInterval());
  }

  /** The token checker the pages use (same secrets as the links in mail). */
  LinkTokens tokens() {
    return tokens;
  }

  /** The list with primary key {@code listId}. */
  public Optional<ListInfo> list(long listId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(UnsubscribeQueries.LIST_BY_ID)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ListInfo(
                listId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
      }
    }
  }

  /** The address of member {@code memberId} of list {@code listId}, if it is still there. */
  public Optional<String> memberEmail(long listId, long memberId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(UnsubscribeQueries.MEMBER_BY_ID)) {
      ps.setLong(1, memberId);
      ps.setLong(2, listId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Removes member {@code memberId} from list {@code listId} through {@link
   * Subscriptions#unsubscribe} (the member row goes, the goodbye message is queued, a DONE request
   * records the source). Returns false when it was not (or no longer) there; that is not an error.
   */
  public boolean unsubscribe(long listId, long memberId) throws SQLException {
    String email;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(UnsubscribeQueries.MEMBER_BY_ID)) {
      ps.setLong(1, memberId);
      ps.setLong(2, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        email = rs.getString(1);
      }
    }
    boolean removed = subscriptions.unsubscribe(listId, email, "link");
    if (removed) {
      LOG.infof("list %d: member %d unsubscribed through a link", listId, memberId);
    }
    return removed;
  }

  /**
   * When {@code address} is a member of {@code list}, mails it a link that unsubscribes it (valid
   * for {@code confirm-ttl}); otherwise does nothing. The caller ({@code clientIp}) learns nothing
   * either way.
   */
  public void requestConfirmation(ListInfo list, EmailAddress address, String clientIp)
      throws SQLException {
    long memberId;
    String email;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(UnsubscribeQueries.MEMBER_BY_EMAIL)) {
      ps.setLong(1, list.id());
      ps.setString(2, address.key());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        memberId = rs.getLong(1);
        email = rs.getString(2);
      }
    }
    Instant now = clock.instant();
    if (!pacing.mayMail(memberId, now)) {
      LOG.debugf(
          "list %d: confirmation for member %d sent recently; not again", list.id(), memberId);
      return;
    }
    Instant expires = now.plus(confirmTtl);
    String url = base + tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, list.id(), memberId, expires);
    String listName = list.name() == null || list.name().isBlank() ? list.address() : list.name();
    byte[] raw =
        MessageComposer.message(
                MessageComposer.mailbox(listName, request(list)),
                email,
                "Confirm leaving " + listName,
                list.domain(),
                "auto-generated")
            .body(
                "Someone, perhaps you, asked to remove "
                    + email
                    + "\nfrom the list "
                    + listName
                    + " <"
                    + list.address()
                    + ">.\n\nTo leave the list, open this link and press the button:\n\n  "
                    + url
                    + "\n\nThe link works until "
                    + WHEN.format(expires)
                    + ". If you did not ask for this,\nignore this message: nothing changes.\n")
            .toBytes();
    SystemMail.Queued q =
        systemMail.send(
            new SystemMail.Message(
                list.id(),
                list.address(),
                list.localPart() + "-bounces@" + list.domain(),
                List.of(email),
                "Confirm leaving " + listName,
                raw),
            SystemMailCaps.client(clientIp));
    if (!q.written()) {
      LOG.warnf(
          "list %d: unsubscribe confirmation for member %d not sent: %s (client %s)",
          list.id(), memberId, q.verdict().reason(), clientIp);
      return;
    }
    LOG.infof("list %d: unsubscribe confirmation queued for member %d", list.id(), memberId);
  }

  private static String request(ListInfo list) {
    return list.localPart() + "-request@" + list.domain();
  }
}
