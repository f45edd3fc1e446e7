package org.fanmail.request;

import static org.fanmail.request.SubscriptionRequestState.CONFIRMING;
import static org.fanmail.request.SubscriptionRequestState.DONE;
import static org.fanmail.request.SubscriptionRequestState.MODERATING;
import static org.fanmail.request.SubscriptionRequestState.REJECTED;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fanmail.list.InvalidInputException;
import org.fanmail.queue.SystemMail;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * An owner's two decisions on a list's request, each one transaction on the locked row: approve (a
 * MODERATING request completes, welcome or goodbye mail) or reject (an open request becomes
 * REJECTED). A request in another state throws {@link RequestStateException}, an unknown one {@link
 * UnknownRequestException}; nothing changes then. Mail is woken after the commit.
 */
@ApplicationScoped
public class OwnerDecisions {
  private static final Logger LOG = Logger.getLogger(OwnerDecisions.class);

  private final AgroalDataSource dataSource;
  private final SystemMail systemMail;
  private final Subscriptions subscriptions;

  public OwnerDecisions(
      AgroalDataSource dataSource, SystemMail systemMail, Subscriptions subscriptions) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.subscriptions = subscriptions;
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
    SubscriptionRequest r = SubscriptionRows.lockById(c, listId, listAddress, requestId);
    ListRef list =
        ListRef.load(c, listId)
            .orElseThrow(() -> new UnknownRequestException(requestId, listAddress));
    Outbox out = subscriptions.outbox(c, list, null, "auto-generated", queued);
    SubscriptionRequestState state = SubscriptionRows.state(r);
    if (approve) {
      if (state != MODERATING) {
        throw new RequestStateException(requestId, r.state(), MODERATING.name());
      }
      SubscriptionRows.setState(c, requestId, DONE, null, true);
      MemberChanges.complete(out, r.action(), r.email());
      if (r.action() == RequestAction.SUBSCRIBE) {
        SubscriptionRows.copyName(c, requestId);
      }
    } else {
      if (!state.isOpen()) {
        throw new RequestStateException(
            requestId, r.state(), CONFIRMING.name() + " or " + MODERATING.name());
      }
      SubscriptionRows.setState(c, requestId, REJECTED, reason, true);
      if (state == MODERATING) {
        out.send(
            TemplateName.REJECTED,
            r.email(),
            Map.of(
                "action", MemberChanges.verb(r.action()), "reason", reason == null ? "" : reason),
            null);
      }
    }
    return SubscriptionRows.lockById(c, listId, listAddress, requestId);
  }
}
