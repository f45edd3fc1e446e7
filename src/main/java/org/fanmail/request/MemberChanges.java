package org.fanmail.request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.fanmail.list.MemberStatus;
import org.fanmail.mail.EmailAddress;
import org.jboss.logging.Logger;

/**
 * What a request does once it may: the member row joins or leaves and the address hears of it
 * (welcome or goodbye template), or the owners are asked to approve. Each in the caller's
 * transaction through its {@link Outbox}, so the change and the mail announcing it commit or roll
 * back together; the one place members join or leave by request.
 */
final class MemberChanges {
  private static final Logger LOG = Logger.getLogger(MemberChanges.class);

  private MemberChanges() {}

  /** Makes the change and sends the welcome or goodbye template. */
  static Outcome complete(Outbox out, RequestAction action, String email) throws SQLException {
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
        return SubscriptionRows.memberStatus(c, list.id(), email) == MemberStatus.DISABLED_BY_OWNER
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

  /** Tells the address its request waits for the owners, and the owners that it does. */
  static void askOwners(Outbox out, long requestId, String email, RequestAction action)
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

  /** The word templates and results use for {@code action}. */
  static String verb(RequestAction action) {
    return action == RequestAction.SUBSCRIBE ? "subscribe" : "unsubscribe";
  }
}
