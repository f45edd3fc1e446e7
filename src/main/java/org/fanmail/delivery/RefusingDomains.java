package org.fanmail.delivery;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.HostPort;
import org.fanmail.tlspolicy.HostTls;

/**
 * What a runner does when a TLS policy refused every host of a host-grouped row of several domains:
 * the domains whose own policy refuses every host leave the row (into the runner's split set,
 * deferred with their refusal, to fall back to rows of their own when the outcomes are recorded)
 * and the others are sent at once. Anyone can publish an MTA-STS policy for a domain hosted by a
 * big provider; without this, one such domain would hold back every other domain sharing the row.
 * When it does not apply (not a policy refusal, one domain, no domain or every domain refusing
 * alone) the original refusal stands and nothing is changed.
 */
final class RefusingDomains {
  /** A refusal by a TLS policy: it carries its own status (4.7.x). */
  static final String BY_POLICY = "4\\.7\\.\\d{1,3} .*";

  private RefusingDomains() {}

  /**
   * Splits off the refusing domains of {@code rest} (outcomes into {@code acc}, ids into {@code
   * split}) and sends the others through {@code send}; fails with {@code refusal} when it does not
   * apply. The row's own domain ({@code destination}) cannot fall back to a row of its own, so it
   * stays.
   */
  static Future<Void> sendOthers(
      RunnerContext ctx,
      String destination,
      List<HostPort> hosts,
      List<Recipient> rest,
      List<RecipientOutcome> acc,
      Set<Long> split,
      Throwable refusal,
      Function<List<Recipient>, Future<Void>> send) {
    Map<String, List<Recipient>> byDomain = new LinkedHashMap<>();
    for (Recipient r : rest) {
      byDomain.computeIfAbsent(RowOutcomes.domainOf(r.email()), k -> new ArrayList<>()).add(r);
    }
    if (!OutboundConnector.messageOf(refusal).matches(BY_POLICY) || byDomain.size() < 2) {
      return Future.failedFuture(refusal);
    }
    List<String> domains = new ArrayList<>(byDomain.keySet());
    List<Future<String>> checks = new ArrayList<>(domains.size());
    for (String domain : domains) {
      // A look-up that fails says nothing against the domain: it stays in the row.
      checks.add(refusalOf(ctx.tlsFor(byDomain.get(domain)), hosts, 0, null).otherwise(e -> null));
    }
    return Future.join(checks)
        .transform(
            done -> {
              List<Recipient> allowed = new ArrayList<>();
              for (int i = 0; i < domains.size(); i++) {
                if (checks.get(i).result() == null || domains.get(i).equals(destination)) {
                  allowed.addAll(byDomain.get(domains.get(i)));
                }
              }
              if (allowed.isEmpty() || allowed.size() == rest.size()) {
                return Future.failedFuture(refusal);
              }
              for (int i = 0; i < domains.size(); i++) {
                String why = checks.get(i).result();
                if (why != null && !domains.get(i).equals(destination)) {
                  List<Recipient> refused = byDomain.get(domains.get(i));
                  acc.addAll(RowOutcomes.decideAll(refused, State.DEFERRED, why));
                  refused.forEach(r -> split.add(r.position()));
                }
              }
              return send.apply(allowed);
            });
  }

  /** The refusal of the last host when {@code policies} refuse every one, else null. */
  private static Future<String> refusalOf(
      Function<HostPort, Future<HostTls>> policies, List<HostPort> hosts, int i, String last) {
    if (i >= hosts.size()) {
      return Future.succeededFuture(last);
    }
    return policies
        .apply(hosts.get(i))
        .compose(
            p ->
                p.usable()
                    ? Future.succeededFuture(null)
                    : refusalOf(policies, hosts, i + 1, p.refusal()));
  }
}
