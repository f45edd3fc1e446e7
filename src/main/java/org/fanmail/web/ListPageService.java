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
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.MemberStatus;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.fanmail.request.RequestQueries;
import org.fanmail.request.Subscriptions;
import org.jboss.logging.Logger;

/**
 * What the list page, the manage page and the archive's member check do: read a list by address or
 * id, hand a subscription to {@link Subscriptions} (always confirmed by the address), mail a member
 * its manage link, read and change a member's own settings. Each method is one short database
 * transaction (blocking: call from worker threads); SQL errors propagate and the page answers 503.
 *
 * <p>Invariants: neither form tells its caller whether the address is a member. A manage link is
 * mailed at most once per member per {@code fanmail.pages.manage-interval} (in memory, at most
 * {@link LinkPacing#MAX_REMEMBERED} members), always to the member's stored address, and never past
 * the hourly system mail caps ({@link SystemMailCaps}, counted per client network). A mode change
 * is the same update as the {@code set digest} command's ({@link
 * RequestQueries#SET_DELIVERY_MODE}): the change into or out of a digest takes effect when the
 * digest period ends.
 */
@ApplicationScoped
public class ListPageService {
  private static final Logger LOG = Logger.getLogger(ListPageService.class);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Members whose last manage link time is remembered (least recently sent forgotten first). */
  /** A list as its public pages see it. */
  public record PublicList(
      long id,
      String address,
      String localPart,
      String domain,
      String name,
      String description,
      boolean advertised,
      ArchiveAccess archive) {
    String title() {
      return name == null || name.isBlank() ? address : name;
    }
  }

  /** A member's own settings. {@code inEffect}: the mode until the digest period ends. */
  public record MemberSettings(
      String email,
      DeliveryMode mode,
      DeliveryMode inEffect,
      boolean receiveOwnPosts,
      MemberStatus status) {}

  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final Subscriptions subscriptions;
  private final LinkTokens tokens;
  private final String manageBase;
  private final Duration manageTtl;
  private final Clock clock = Clock.systemUTC();
  private final LinkPacing pacing;

  public ListPageService(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      Subscriptions subscriptions,
      FanmailConfig config) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.subscriptions = subscriptions;
    this.tokens = LinkTokens.of(config);
    String b = config.publicUrl().toString();
    this.manageBase = (b.endsWith("/") ? b : b + "/") + "manage/";
    this.manageTtl = config.pages().manageTtl();
    this.pacing = new LinkPacing(config.pages().manageInterval());
  }

  /** The token checker of the manage page (same secrets as the links in mail). */
  LinkTokens tokens() {
    return tokens;
  }

  /** The list at {@code address} (any case), if there is one. */
  public Optional<PublicList> list(String address) throws SQLException {
    return read(ListPageQueries.LIST_BY_ADDRESS, ps -> ps.setString(1, lower(address)));
  }

  /** The list with primary key {@code listId}. */
  public Optional<PublicList> list(long listId) throws SQLException {
    return read(ListPageQueries.LIST_BY_ID, ps -> ps.setLong(1, listId));
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private Optional<PublicList> read(String sql, Binder binder) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new PublicList(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBoolean(7),
                ArchiveAccess.valueOf(rs.getString(8))));
      }
    }
  }

  /**
   * Asks for a subscription of {@code address} with {@code name} (null: none); the address confirms
   * by the mailed link.
   */
  public void subscribe(PublicList list, EmailAddress address, String name, String clientIp)
      throws SQLException {
    subscriptions.subscribeFromPage(list.id(), address, name, SystemMailCaps.network(clientIp));
  }

  /** A member's settings, if member {@code memberId} of the list is still there. */
  public Optional<MemberSettings> member(long listId, long memberId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ListPageQueries.MEMBER_SETTINGS)) {
      ps.setLong(1, memberId);
      ps.setLong(2, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        DeliveryMode mode = DeliveryMode.valueOf(rs.getString(2));
        String period = rs.getString(3);
        return Optional.of(
            new MemberSettings(
                rs.getString(1),
                mode,
                period == null ? mode : DeliveryMode.valueOf(period),
                rs.getBoolean(4),
                MemberStatus.valueOf(rs.getString(5))));
      }
    }
  }

  /** Sets the member's delivery mode; false when the member is gone. */
  public boolean setMode(long listId, String email, DeliveryMode mode) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.SET_DELIVERY_MODE)) {
      ps.setString(1, mode.name());
      ps.setLong(2, listId);
      ps.setString(3, EmailAddress.parse(email).key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Sets whether the member gets its own posts; false when the member is gone. */
  public boolean setReceiveOwnPosts(long listId, long memberId, boolean receive)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ListPageQueries.SET_RECEIVE_OWN_POSTS)) {
      ps.setBoolean(1, receive);
      ps.setLong(2, memberId);
      ps.setLong(3, listId);
      return ps.executeUpdate() == 1;
    }
  }

  /** Removes the member (goodbye message, a DONE request with source {@code manage}). */
  public boolean leave(long listId, String email) throws SQLException {
    return subscriptions.unsubscribe(listId, email, "manage");
  }

  /**
   * When {@code address} is a member of {@code list}, mails it a link to {@code /manage/{token}}
   * (valid for {@code manage-ttl}); otherwise does nothing. The caller learns nothing either way.
   */
  public void mailManageLink(PublicList list, EmailAddress address, String clientIp)
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
      LOG.debugf("list %d: manage link for member %d sent recently", list.id(), memberId);
      return;
    }
    Instant expires = now.plus(manageTtl);
    String url = manageBase + tokens.sign(Purpose.MANAGE, list.id(), memberId, expires);
    String subject = "Your settings on " + list.title();
    byte[] raw =
        MessageComposer.message(
                MessageComposer.mailbox(
                    list.title(), list.localPart() + "-request@" + list.domain()),
                email,
                subject,
                list.domain(),
                "auto-generated")
            .body(
                "Someone, perhaps you, asked for a link to the settings of\n"
                    + email
                    + " on the list "
                    + list.title()
                    + " <"
                    + list.address()
                    + ">.\n\nOpen it to choose how you get the list's posts, or to leave:\n\n  "
                    + url
                    + "\n\nThe link works until "
                    + WHEN.format(expires)
                    + ". Do not pass it on: it opens your\nsettings. If you did not ask for it,"
                    + " ignore this message.\n")
            .toBytes();
    SystemMail.Queued q =
        systemMail.send(
            new SystemMail.Message(
                list.id(),
                list.address(),
                list.localPart() + "-bounces@" + list.domain(),
                List.of(email),
                subject,
                raw),
            SystemMailCaps.network(clientIp));
    if (!q.written()) {
      LOG.warnf(
          "list %d: manage link for member %d not sent: %s",
          list.id(), memberId, q.verdict().reason());
      return;
    }
    LOG.infof("list %d: manage link queued for member %d", list.id(), memberId);
  }

  private static String lower(String address) {
    return address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
  }
}
