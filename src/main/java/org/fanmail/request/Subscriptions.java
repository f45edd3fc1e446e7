package org.fanmail.request;

import static org.fanmail.request.SubscriptionRequestState.CONFIRMING;
import static org.fanmail.request.SubscriptionRequestState.DONE;
import static org.fanmail.request.SubscriptionRequestState.MODERATING;
import static org.fanmail.request.SubscriptionRequestState.REJECTED;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.MemberStatus;
import org.fanmail.list.Page;
import org.fanmail.list.SubscriptionPolicy;
import org.fanmail.mail.EmailAddress;
import org.fanmail.queue.SystemMail;
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
 * a token confirms one request once, before it expires; a completed subscription sends the welcome
 * template, a completed unsubscription the goodbye template, in the same transaction that changes
 * the member row. Methods taking a {@link Connection} work in the caller's transaction; the others
 * open their own and wake the delivery of their mail after the commit.
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

  public Subscriptions(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      Templates templates,
      FanmailConfig config) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.templates = templates;
    this.config = config;
  }

  /** An outbox for mail about {@code list} written in {@code c}'s transaction. */
  Outbox outbox(Connection c, ListRef list, String autoSubmitted, List<Long> queued) {
    return new Outbox(
        c,
        systemMail,
        templates,
        list,
        config.requests().maxRepliesPerSenderPerDay(),
        autoSubmitted,
        queued);
  }

  /**
   * Asks for {@code action} on {@code address}, on behalf of {@code requester} (the address the
   * request came from; another address than {@code address} makes it a third-party request).
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
    boolean thirdParty = requester != null && !requester.key().equals(address.key());
    MemberStatus status = memberStatus(c, list.id(), email);
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
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.SUPERSEDE_OPEN)) {
      ps.setLong(1, list.id());
      ps.setString(2, email);
      ps.setString(3, action.name());
      ps.executeUpdate();
    }
    if (confirm) {
      String token = ConfirmTokens.generate();
      Instant expires = Instant.now().plus(config.requests().confirmTtl());
      long id =
          insert(c, list.id(), email, action, CONFIRMING, token, expires, approve, source, postId);
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
                  "action", verb(action),
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
      long id = insert(c, list.id(), email, action, MODERATING, null, null, true, source, postId);
      askOwners(out, id, email, action);
      return Outcome.AWAITING_APPROVAL;
    }
    insert(c, list.id(), email, action, DONE, null, null, false, source, postId);
    return complete(out, action, email);
  }

  /**
   * Uses a confirmation token in the caller's transaction: completes the request, or passes it on
   * to the owners when it needs approval.
   */
  ConfirmResult confirm(Connection c, String token, String autoSubmitted, List<Long> queued)
      throws SQLException {
    Optional<String> canonical = ConfirmTokens.canonical(token);
    if (canonical.isEmpty()) {
      return ConfirmResult.unknown();
    }
    SubscriptionRequest r;
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.LOCK_BY_TOKEN)) {
      ps.setBytes(1, ConfirmTokens.hash(canonical.get()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return ConfirmResult.unknown();
        }
        r = SubscriptionRequest.read(rs);
      }
    }
    Optional<ListRef> found = ListRef.load(c, r.listId());
    if (found.isEmpty()) {
      return ConfirmResult.unknown();
    }
    ListRef list = found.get();
    ConfirmResult.Status status = statusOf(r);
    if (status != ConfirmResult.Status.VALID) {
      return new ConfirmResult(status, r.action(), r.email(), list.address(), list.name());
    }
    Outbox out = outbox(c, list, autoSubmitted, queued);
    if (r.needsApproval()) {
      setState(c, r.id(), MODERATING, null, false);
      askOwners(out, r.id(), r.email(), r.action());
      return new ConfirmResult(
          ConfirmResult.Status.AWAITING_APPROVAL,
          r.action(),
          r.email(),
          list.address(),
          list.name());
    }
    setState(c, r.id(), DONE, null, true);
    complete(out, r.action(), r.email());
    return new ConfirmResult(
        ConfirmResult.Status.COMPLETED, r.action(), r.email(), list.address(), list.name());
  }

  /** Uses a confirmation token in its own transaction (the web page's button). */
  public ConfirmResult confirm(String token) throws SQLException {
    List<Long> queued = new ArrayList<>();
    ConfirmResult result =
        Transactions.fromTransaction(dataSource, c -> confirm(c, token, "auto-generated", queued));
    systemMail.wake(queued);
    return result;
  }

  /** What a token stands for, without using it (the confirmation page). */
  public ConfirmResult lookup(String token) throws SQLException {
    Optional<String> canonical = ConfirmTokens.canonical(token);
    if (canonical.isEmpty()) {
      return ConfirmResult.unknown();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.FIND_BY_TOKEN)) {
      ps.setBytes(1, ConfirmTokens.hash(canonical.get()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return ConfirmResult.unknown();
        }
        SubscriptionRequest r = SubscriptionRequest.read(rs);
        return new ConfirmResult(
            statusOf(r), r.action(), r.email(), rs.getString(13), rs.getString(14));
      }
    }
  }

  /** An owner approves a MODERATING request: it completes (welcome or goodbye mail). */
  public SubscriptionRequest approve(long listId, String listAddress, long requestId)
      throws SQLException {
    return decide(listId, listAddress, requestId, true, null);
  }

  /**
   * An owner rejects an open request. The requester hears of it (with {@code reason}, if given)
   * only when the request had been confirmed or needed no confirmation: an unconfirmed address
   * never asked for mail from us.
   */
  public SubscriptionRequest reject(long listId, String listAddress, long requestId, String reason)
      throws SQLException {
    if (reason != null && reason.length() > 1000) {
      throw new InvalidInputException("reason is limited to 1000 characters");
    }
    return decide(listId, listAddress, requestId, false, reason);
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
              Outbox out = outbox(c, list.get(), "auto-generated", queued);
              boolean gone =
                  complete(out, RequestAction.UNSUBSCRIBE, address.toString())
                      == Outcome.UNSUBSCRIBED;
              if (gone) {
                try (PreparedStatement ps = c.prepareStatement(RequestQueries.SUPERSEDE_OPEN)) {
                  ps.setLong(1, listId);
                  ps.setString(2, address.toString());
                  ps.setString(3, RequestAction.UNSUBSCRIBE.name());
                  ps.executeUpdate();
                }
                insert(
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

  private SubscriptionRequest decide(
      long listId, String listAddress, long requestId, boolean approve, String reason)
      throws SQLException {
    List<Long> queued = new ArrayList<>();
    SubscriptionRequest after =
        Transactions.fromTransaction(
            dataSource, c -> decide(c, listId, listAddress, requestId, approve, reason, queued));
    LOG.infof(
        "list %s: request %d %s by an owner",
        listAddress, requestId, approve ? "approved" : "rejected");
    systemMail.wake(queued);
    return after;
  }

  /** In the owner's transaction: checks the request's state and moves it on. */
  private SubscriptionRequest decide(
      Connection c,
      long listId,
      String listAddress,
      long requestId,
      boolean approve,
      String reason,
      List<Long> queued)
      throws SQLException {
    SubscriptionRequest r = lockById(c, listId, listAddress, requestId);
    ListRef list =
        ListRef.load(c, listId)
            .orElseThrow(() -> new UnknownRequestException(requestId, listAddress));
    Outbox out = outbox(c, list, "auto-generated", queued);
    if (approve) {
      if (state(r) != MODERATING) {
        throw new RequestStateException(requestId, r.state(), MODERATING.name());
      }
      setState(c, requestId, DONE, null, true);
      complete(out, r.action(), r.email());
    } else {
      if (!state(r).isOpen()) {
        throw new RequestStateException(
            requestId, r.state(), CONFIRMING.name() + " or " + MODERATING.name());
      }
      setState(c, requestId, REJECTED, reason, true);
      if (state(r) == MODERATING) {
        out.send(
            TemplateName.REJECTED,
            r.email(),
            Map.of("action", verb(r.action()), "reason", reason == null ? "" : reason),
            null);
      }
    }
    return lockById(c, listId, listAddress, requestId);
  }

  private static SubscriptionRequest lockById(
      Connection c, long listId, String listAddress, long requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.LOCK_BY_ID)) {
      ps.setLong(1, requestId);
      ps.setLong(2, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownRequestException(requestId, listAddress);
        }
        return SubscriptionRequest.read(rs);
      }
    }
  }

  /** Makes the change and sends the welcome or goodbye template. */
  private Outcome complete(Outbox out, RequestAction action, String email) throws SQLException {
    Connection c = out.connection();
    ListRef list = out.list();
    if (action == RequestAction.SUBSCRIBE) {
      boolean changed;
      try (PreparedStatement ps = c.prepareStatement(RequestQueries.JOIN_MEMBER)) {
        ps.setLong(1, list.id());
        ps.setString(2, email);
        ps.setString(3, EmailAddress.parse(email).domain());
        try (ResultSet rs = ps.executeQuery()) {
          changed = rs.next();
        }
      }
      if (!changed) {
        return memberStatus(c, list.id(), email) == MemberStatus.DISABLED_BY_OWNER
            ? Outcome.DISABLED_BY_OWNER
            : Outcome.ALREADY_MEMBER;
      }
      LOG.infof("list %s: %s subscribed", list.address(), email);
      out.send(TemplateName.WELCOME, email, Map.of(), null);
      return Outcome.SUBSCRIBED;
    }
    int removed;
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.LEAVE_MEMBER)) {
      ps.setLong(1, list.id());
      ps.setString(2, email);
      removed = ps.executeUpdate();
    }
    if (removed == 0) {
      return Outcome.NOT_MEMBER;
    }
    LOG.infof("list %s: %s unsubscribed", list.address(), email);
    out.send(TemplateName.GOODBYE, email, Map.of(), null);
    return Outcome.UNSUBSCRIBED;
  }

  private void askOwners(Outbox out, long requestId, String email, RequestAction action)
      throws SQLException {
    Map<String, String> values =
        Map.of("action", verb(action), "requestId", String.valueOf(requestId));
    out.send(TemplateName.PENDING, email, values, null);
    if (!out.sendToOwners(TemplateName.OWNER_PENDING, email, values)) {
      LOG.warnf(
          "list %s: request %d waits for approval but no owner could be told",
          out.list().address(), requestId);
    }
  }

  private static ConfirmResult.Status statusOf(SubscriptionRequest r) {
    return switch (state(r)) {
      case CONFIRMING -> r.expired() ? ConfirmResult.Status.EXPIRED : ConfirmResult.Status.VALID;
      case EXPIRED -> ConfirmResult.Status.EXPIRED;
      case SUPERSEDED, REJECTED -> ConfirmResult.Status.WITHDRAWN;
      default -> ConfirmResult.Status.USED;
    };
  }

  private static SubscriptionRequestState state(SubscriptionRequest r) {
    return SubscriptionRequestState.valueOf(r.state());
  }

  private static MemberStatus memberStatus(Connection c, long listId, String email)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.MEMBER_STATUS)) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? MemberStatus.valueOf(rs.getString(1)) : null;
      }
    }
  }

  private static long insert(
      Connection c,
      long listId,
      String email,
      RequestAction action,
      SubscriptionRequestState state,
      String token,
      Instant expires,
      boolean needsApproval,
      String source,
      Long postId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.INSERT_REQUEST)) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      ps.setString(3, action.name());
      ps.setString(4, state.name());
      ps.setBytes(5, token == null ? null : ConfirmTokens.hash(token));
      ps.setTimestamp(6, expires == null ? null : Timestamp.from(expires));
      ps.setBoolean(7, needsApproval);
      ps.setString(8, source);
      if (postId == null) {
        ps.setNull(9, java.sql.Types.BIGINT);
      } else {
        ps.setLong(9, postId);
      }
      ps.setBoolean(10, state == DONE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void setState(
      Connection c, long id, SubscriptionRequestState state, String reason, boolean decided)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.SET_REQUEST_STATE)) {
      ps.setString(1, state.name());
      ps.setString(2, reason);
      ps.setBoolean(3, decided);
      ps.setLong(4, id);
      ps.executeUpdate();
    }
  }

  private String confirmUrl(String token) {
    String b = config.publicUrl().toString();
    return (b.endsWith("/") ? b : b + "/") + "confirm/" + token;
  }

  static String verb(RequestAction action) {
    return action == RequestAction.SUBSCRIBE ? "subscribe" : "unsubscribe";
  }
}
