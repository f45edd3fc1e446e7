package org.fanmail.request;

import static org.fanmail.request.SubscriptionRequestState.DONE;
import static org.fanmail.request.SubscriptionRequestState.MODERATING;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fanmail.queue.SystemMail;
import org.fanmail.stage.Transactions;

/**
 * The confirmation step of a request: a token (by reply to {@code list-confirm+TOKEN}, by a {@code
 * confirm TOKEN} command, or by the {@code /confirm/{token}} page) is looked up or used. A token
 * confirms one CONFIRMING request once, before it expires; using it completes the request or, when
 * the policy wants an owner too, moves it to MODERATING and asks the owners. Anything not ours
 * (malformed, unknown) is {@link ConfirmResult.Status#UNKNOWN} and never reaches further than one
 * look-up; a database failure is an {@link SQLException} to the caller, with nothing changed.
 */
@ApplicationScoped
public class Confirmations {
  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final Subscriptions subscriptions;

  public Confirmations(
      AgroalDataSource dataSource, SystemMail systemMail, Subscriptions subscriptions) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.subscriptions = subscriptions;
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
    Outbox out = subscriptions.outbox(c, list, autoSubmitted, queued);
    if (r.needsApproval()) {
      SubscriptionRows.setState(c, r.id(), MODERATING, null, false);
      MemberChanges.askOwners(out, r.id(), r.email(), r.action());
      return new ConfirmResult(
          ConfirmResult.Status.AWAITING_APPROVAL,
          r.action(),
          r.email(),
          list.address(),
          list.name());
    }
    SubscriptionRows.setState(c, r.id(), DONE, null, true);
    MemberChanges.complete(out, r.action(), r.email());
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

  private static ConfirmResult.Status statusOf(SubscriptionRequest r) {
    return switch (SubscriptionRows.state(r)) {
      case CONFIRMING -> r.expired() ? ConfirmResult.Status.EXPIRED : ConfirmResult.Status.VALID;
      case EXPIRED -> ConfirmResult.Status.EXPIRED;
      case SUPERSEDED, REJECTED -> ConfirmResult.Status.WITHDRAWN;
      default -> ConfirmResult.Status.USED;
    };
  }
}
