package org.fanmail.request;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fanmail.list.ListService;
import org.fanmail.list.SubscriptionPolicy;

/**
 * What the request stage needs to know about a list, read once per request inside its transaction:
 * addresses, name, the two policies and the {@code owners} setting.
 */
public record ListRef(
    long id,
    String address,
    String localPart,
    String domain,
    String name,
    SubscriptionPolicy subscriptionPolicy,
    SubscriptionPolicy unsubscriptionPolicy,
    List<String> owners) {

  /** The list with id {@code listId}, read on {@code c}. */
  static Optional<ListRef> load(Connection c, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.LIST_BY_ID)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Array owners = rs.getArray(8);
        return Optional.of(
            new ListRef(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                SubscriptionPolicy.valueOf(rs.getString(6)),
                SubscriptionPolicy.valueOf(rs.getString(7)),
                owners == null ? List.of() : Arrays.asList((String[]) owners.getArray())));
      }
    }
  }

  /** {@code list-suffix@domain}, e.g. {@code sub("request")}. */
  public String sub(String suffix) {
    return localPart + "-" + suffix + "@" + domain;
  }

  /** The confirmation address for {@code token}. */
  public String confirmAddress(String token) {
    return localPart + "-confirm+" + token + "@" + domain;
  }

  /** The policy that applies to {@code action}. */
  public SubscriptionPolicy policy(RequestAction action) {
    return action == RequestAction.SUBSCRIBE ? subscriptionPolicy : unsubscriptionPolicy;
  }

  /** True when {@code address} (bare) is this list's address or one of its sub-addresses. */
  public boolean owns(String address) {
    String a = address.toLowerCase(Locale.ROOT);
    if (a.equals(this.address)) {
      return true;
    }
    int at = a.lastIndexOf('@');
    if (at < 0 || !a.substring(at + 1).equals(domain)) {
      return false;
    }
    String local = a.substring(0, at);
    for (String s : ListService.RESERVED_SUFFIXES) {
      if (local.equals(localPart + s) || local.startsWith(localPart + s + "+")) {
        return true;
      }
    }
    return false;
  }
}
