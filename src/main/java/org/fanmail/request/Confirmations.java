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
import org.fanmail.queue.ConfirmReference;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
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
  private final ConfirmTokens tokens;

  public Confirmations(
      AgroalDataSource dataSource,
      SystemMail systemMail,
      Subscriptions subscriptions,
      ConfirmTokens tokens) {
    this.dataSource = dataSource;
    this.systemMail = systemMail;
    this.subscriptions = subscriptions;
    this.tokens = tokens;
  }

  /**
   * Uses a confirmation token in the caller's transaction: completes the request, or passes it on
   * to the owners when it needs approval. {@code source} is the {@link SystemMailCaps} key of who
   * used it (null for the web page).
   */
  ConfirmResult confirm(
      Connection c, String token, String source, String autoSubmitted, List<Long> queued)
      throws SQLException {
    return confirm(c, tokens.reference(token), source, autoSubmitted, queued);
  }

  /**
   * {@link #confirm(Connection, String, String, String, List)} for a reply to {@code
   * list-confirm+TOKEN}, from what its post row keeps of the token ({@code purpose_arg}).
   */
  ConfirmResult confirmStored(
      Connection c, String purposeArg, String source, String autoSubmitted, List<Long> queued)
      throws SQLException {
    return confirm(c, tokens.stored(purposeArg), source, autoSubmitted, queued);
  }

  private ConfirmResult confirm(
      Connection c,
      Optional<ConfirmReference> reference,
      String source,
      String autoSubmitted,
      List<Long> queued)
      throws SQLException {
    Optional<SubscriptionRequest> found = find(c, reference, true);
    if (found.isEmpty()) {
      return ConfirmResult.unknown();
    }
    SubscriptionRequest r = found.get();
    Optional<ListRef> listFound = ListRef.load(c, r.listId());
    if (listFound.isEmpty()) {
      return ConfirmResult.unknown();
    }
    ListRef list = listFound.get();
    ConfirmResult.Status status = statusOf(r);
    if (status != ConfirmResult.Status.VALID) {
      return new ConfirmResult(status, r.action(), r.email(), list.address(), list.name());
    }
    Outbox out = subscriptions.outbox(c, list, source, autoSubmitted, queued);
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
    if (r.action() == RequestAction.SUBSCRIBE) {
      SubscriptionRows.copyName(c, r.id());
    }
    return new ConfirmResult(
        ConfirmResult.Status.COMPLETED, r.action(), r.email(), list.address(), list.name());
  }

  /** Uses a confirmation token in its own transaction (the web page's button). */
  public ConfirmResult confirm(String token) throws SQLException {
    List<Long> queued = new ArrayList<>();
    ConfirmResult result =
        Transactions.fromTransaction(
            dataSource, c -> confirm(c, token, null, "auto-generated", queued));
    systemMail.wake(queued);
    return result;
  }

  /** What a token stands for, without using it (the confirmation page). */
  public ConfirmResult lookup(String token) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Optional<SubscriptionRequest> found = find(c, tokens.reference(token), false);
      if (found.isEmpty()) {
        return ConfirmResult.unknown();
      }
      SubscriptionRequest r = found.get();
      Optional<ListRef> list = ListRef.load(c, r.listId());
      if (list.isEmpty()) {
        return ConfirmResult.unknown();
      }
      return new ConfirmResult(
          statusOf(r), r.action(), r.email(), list.get().address(), list.get().name());
    }
  }

  /**
   * The request {@code reference} names (locked when {@code lock}): a signed token's by id, a
   * legacy one's by the hash stored with it; no reference finds nothing without a look-up.
   */
  private static Optional<SubscriptionRequest> find(
      Connection c, Optional<ConfirmReference> reference, boolean lock) throws SQLException {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    ConfirmReference r = reference.get();
    boolean byId = r.requestId() != null;
    String sql =
        byId
            ? lock ? RequestQueries.LOCK_BY_REQUEST_ID : RequestQueries.FIND_BY_REQUEST_ID
            : lock ? RequestQueries.LOCK_BY_TOKEN : RequestQueries.FIND_BY_TOKEN;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (byId) {
        ps.setLong(1, r.requestId());
      } else {
        ps.setBytes(1, r.legacyHash());
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(SubscriptionRequest.read(rs)) : Optional.empty();
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
