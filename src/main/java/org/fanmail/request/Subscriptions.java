package org.fanmail.request;

import static org.fanmail.request.SubscriptionRequestState.CONFIRMING;
import static org.fanmail.request.SubscriptionRequestState.DONE;
import static org.fanmail.request.SubscriptionRequestState.MODERATING;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.MemberStatus;
import org.fanmail.list.Page;
import org.fanmail.list.SubscriptionPolicy;
import org.fanmail.mail.EmailAddress;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Joining and leaving a list under its policies: {@code OPEN} (at once), {@code CONFIRM} (the
 * address confirms by reply or link), {@code MODERATE} (an owner approves), {@code
 * CONFIRM_THEN_MODERATE}. A request about an address other than the requester's always needs that
 * address's confirmation, whatever the policy.
 *
 * <p>A waiting subscriber is a {@code subscription_request} row only, never a member row, so the
 * members are exactly the addresses that completed (and expansion can never reach a waiting one).
 * Invariants: at most one open request per list, address and action (a new one supersedes the old);
 * a completed subscription sends the welcome template, a completed unsubscription the goodbye
 * template, in the same transaction that changes the member row ({@link MemberChanges}). The
 * confirmation step is {@link Confirmations}', the owners' verdicts {@link OwnerDecisions}'.
 * Methods taking a {@link Connection} or an {@link Outbox} work in the caller's transaction; the
 * others open their own and wake the delivery of their mail after the commit.
 */
@ApplicationScoped
public class Subscriptions {
  private static final Logger LOG = Logger.getLogger(Subscriptions.class);
  private static final DateTimeFormatter EXPIRES =
      DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final Templates templates;
  private final FanmailConfig config;
  private final ConfirmTokens tokens;

  public Subscriptions(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      Templates templates,
      FanmailConfig config,
      ConfirmTokens tokens) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.templates = templates;
    this.config = config;
    this.tokens = tokens;
  }

  /**
   * An outbox for mail about {@code list} written in {@code c}'s transaction on behalf of {@code
   * source} (a {@link SystemMailCaps} key, null when an owner or the admin API acts).
   */
  Outbox outbox(
      Connection c, ListRef list, String source, String autoSubmitted, List<Long> queued) {
    return new Outbox(
        c,
        systemMail,
        templates,
        list,
        config.requests().maxRepliesPerSenderPerDay(),
        source,
        autoSubmitted,
        queued);
  }

  /**
   * Asks for {@code action} on {@code address}, on behalf of {@code requester} (the address the
   * request came from; another address than {@code address} makes it a third-party request, and so
   * does null: a requester nobody knows, such as a web form).
   */
  Outcome request(
      Outbox out,
      RequestAction action,
      EmailAddress address,
      EmailAddress requester,
      String source,
      Long postId)
      throws SQLException {
    Connection c = out.connection();
    ListRef list = out.list();
    String email = address.toString();
    boolean thirdParty = requester == null || !requester.key().equals(address.key());
    MemberStatus status = SubscriptionRows.memberStatus(c, list.id(), email);
    boolean pointless =
        action == RequestAction.SUBSCRIBE
            ? status == MemberStatus.ACTIVE || status == MemberStatus.DISABLED_BY_OWNER
            : status == null;
    if (pointless) {
      if (thirdParty) {
        return Outcome.THIRD_PARTY;
      }
      if (action == RequestAction.UNSUBSCRIBE) {
        return Outcome.NOT_MEMBER;
      }
      return status == MemberStatus.ACTIVE ? Outcome.ALREADY_MEMBER : Outcome.DISABLED_BY_OWNER;
    }
    SubscriptionPolicy policy = list.policy(action);
    boolean confirm =
        thirdParty
            || policy == SubscriptionPolicy.CONFIRM
            || policy == SubscriptionPolicy.CONFIRM_THEN_MODERATE;
    boolean approve =
        policy == SubscriptionPolicy.MODERATE || policy == SubscriptionPolicy.CONFIRM_THEN_MODERATE;
    SubscriptionRows.supersedeOpen(c, list.id(), email, action);
    if (confirm) {
      Instant expires = Instant.now().plus(config.requests().confirmTtl());
      // No token hash: the token is the request id under a MAC, recomputed, never stored.
      long id =
          SubscriptionRows.insert(
              c, list.id(), email, action, CONFIRMING, null, expires, approve, source, postId);
      String token = tokens.make(id);
      boolean sent =
          out.send(
              action == RequestAction.SUBSCRIBE
                  ? TemplateName.CONFIRM_SUBSCRIBE
                  : TemplateName.CONFIRM_UNSUBSCRIBE,
              email,
              Map.of(
                  "url", confirmUrl(token),
                  "token", token,
                  "confirmAddress", list.confirmAddress(token),
                  "expires", EXPIRES.format(expires),
                  "action", MemberChanges.verb(action),
                  "requestId", String.valueOf(id)),
              list.confirmAddress(token));
      LOG.infof(
          "list %s: %s of %s waits for confirmation (request %d)",
          list.address(), action, email, id);
      if (thirdParty) {
        return Outcome.THIRD_PARTY;
      }
      return sent ? Outcome.CONFIRMATION_SENT : Outcome.CONFIRMATION_NOT_SENT;
    }
    if (approve) {
      long id =
          SubscriptionRows.insert(
              c, list.id(), email, action, MODERATING, null, null, true, source, postId);
      MemberChanges.askOwners(out, id, email, action);
      return Outcome.AWAITING_APPROVAL;
    }
    SubscriptionRows.insert(c, list.id(), email, action, DONE, null, null, false, source, postId);
    return MemberChanges.complete(out, action, email);
  }

  /**
   * A subscription asked for on the list's public page: whoever typed the address is not known to
   * own it, so the address always confirms (a third-party request, whatever the policy; the
   * policy's owner approval still follows), and nothing tells the caller whether it is a member
   * already. The confirmation mail counts against {@code source} (the client's network, {@link
   * SystemMailCaps}) and the per-address daily cap. {@code name} (null: none; a single line the
   * caller checked) waits with the request and becomes the member's name when it completes. Own
   * transaction; an unknown list does nothing.
   */
  public void subscribeFromPage(long listId, EmailAddress address, String name, String source)
      throws SQLException {
    List<Long> queued = new ArrayList<>();
    Transactions.inTransaction(
        dataSource,
        c -> {
          Optional<ListRef> list = ListRef.load(c, listId);
          if (list.isPresent()) {
            Outbox out = outbox(c, list.get(), source, "auto-generated", queued);
            Outcome o = request(out, RequestAction.SUBSCRIBE, address, null, "web", null);
            if (name != null && !name.isBlank()) {
              try (PreparedStatement ps =
                  c.prepareStatement(RequestQueries.SET_OPEN_REQUEST_NAME)) {
                ps.setString(1, name.strip());
                ps.setLong(2, listId);
                ps.setString(3, address.toString());
                ps.executeUpdate();
              }
            }
            LOG.infof("list %s: subscription from the list page: %s", list.get().address(), o);
          }
        });
    systemMail.wake(queued);
  }

  /**
   * Removes {@code email} from the list at once (no policy: the caller has already established that
   * the address asked, e.g. a one-click unsubscribe) and sends the goodbye template; records a DONE
   * request with {@code source}. False when the address was not a member. Own transaction.
   */
  public boolean unsubscribe(long listId, String email, String source) throws SQLException {
    EmailAddress address = EmailAddress.parse(email);
    List<Long> queued = new ArrayList<>();
    boolean removed =
        Transactions.fromTransaction(
            dataSource,
            c -> {
              Optional<ListRef> list = ListRef.load(c, listId);
              if (list.isEmpty()) {
                return false;
              }
              Outbox out = outbox(c, list.get(), null, "auto-generated", queued);
              boolean gone =
                  MemberChanges.complete(out, RequestAction.UNSUBSCRIBE, address.toString())
                      == Outcome.UNSUBSCRIBED;
              if (gone) {
                SubscriptionRows.supersedeOpen(
                    c, listId, address.toString(), RequestAction.UNSUBSCRIBE);
                SubscriptionRows.insert(
                    c,
                    listId,
                    address.toString(),
                    RequestAction.UNSUBSCRIBE,
                    DONE,
                    null,
                    null,
                    false,
                    source,
                    null);
              }
              return gone;
            });
    systemMail.wake(queued);
    return removed;
  }

  /**
   * A page of the list's requests, newest first: the open ones ({@code state} null), every one
   * ({@code ALL}) or those in one state.
   */
  public Page<SubscriptionRequest> page(long listId, String state, int page, int size)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement(RequestQueries.REQUEST_COUNT)) {
        ps.setLong(1, listId);
        ps.setString(2, state);
        ps.setString(3, state);
        ps.setString(4, state);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<SubscriptionRequest> items = new ArrayList<>();
      long offset = (long) page * size;
      if (offset < total) {
        try (PreparedStatement ps = c.prepareStatement(RequestQueries.REQUEST_PAGE)) {
          ps.setLong(1, listId);
          ps.setString(2, state);
          ps.setString(3, state);
          ps.setString(4, state);
          ps.setInt(5, size);
          ps.setLong(6, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(SubscriptionRequest.read(rs));
            }
          }
        }
      }
      return new Page<>(items, total, page, size);
    }
  }

  /** Confirmations not given in time become EXPIRED; returns how many. */
  int expire() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.EXPIRE_REQUESTS)) {
      return ps.executeUpdate();
    }
  }

  private String confirmUrl(String token) {
    String b = config.publicUrl().toString();
    return (b.endsWith("/") ? b : b + "/") + "confirm/" + token;
  }
}
