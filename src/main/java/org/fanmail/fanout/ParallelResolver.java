package org.fanmail.fanout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Resolves the recipient domains of one expansion in parallel on a pool of eight daemon threads:
 * DNS waits dominate the expansion of wide lists. A domain whose answer needs no look-up (a route
 * of the operator's, cached answers) is answered on the caller's thread: a post to 50 known domains
 * does not queue 50 tasks. A look-up that fails (an exception of the resolver) gives a TEMPORARY
 * destination, so the recipients wait for a retry instead of failing the post; a domain that cannot
 * take mail now or ever is logged with the post id.
 */
final class ParallelResolver {
  /** Logged under the stage's category, as the expansion's other lines are. */
  private static final Logger LOG = Logger.getLogger(FanoutStage.class);

  private final DestinationResolver resolver;

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "fanout-dns");
            t.setDaemon(true);
            return t;
          });

  ParallelResolver(DestinationResolver resolver) {
    this.resolver = resolver;
  }

  /**
   * The destinations of {@code domains}, in their order, resolved in parallel (one domain: here); a
   * failed look-up is TEMPORARY. {@code postId} names the post in the log.
   */
  List<Destination> resolveAll(List<String> domains, long postId) {
    List<CompletableFuture<Destination>> futures = new ArrayList<>(domains.size());
    for (String domain : domains) {
      // A domain whose answer is known (an operator's route, cached DNS answers) or the only one
      // (a small post, a system notice): resolved here, without a hop to the pool.
      Optional<Destination> known = known(domain);
      futures.add(
          known.isPresent()
              ? CompletableFuture.completedFuture(known.get())
              : domains.size() == 1
                  ? resolveHere(domain)
                  : CompletableFuture.supplyAsync(() -> resolver.resolve(domain), pool));
    }
    List<Destination> resolved = new ArrayList<>(domains.size());
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      Destination d;
      try {
        d = futures.get(i).join();
      } catch (RuntimeException e) {
        d = Destination.temporary("4.4.3 look-up of " + domain + " failed: " + e.getMessage());
      }
      if (!d.routable()) {
        LOG.infof("post %d: domain %s is %s: %s", postId, domain, d.outcome(), d.reason());
      }
      resolved.add(d);
    }
    return resolved;
  }

  /**
   * The destination of each distinct domain of {@code candidates} (resolved in domain order, as
   * {@link #resolveAll} does), for the paths that route their candidates in memory.
   */
  Map<String, Destination> destinationsOf(List<SmallPostPlan.Candidate> candidates, long postId) {
    List<String> domains =
        candidates.stream().map(SmallPostPlan.Candidate::domain).distinct().sorted().toList();
    List<Destination> resolved = resolveAll(domains, postId);
    Map<String, Destination> destinations = new HashMap<>();
    for (int i = 0; i < domains.size(); i++) {
      destinations.put(domains.get(i), resolved.get(i));
    }
    return destinations;
  }

  /** The answer that needs no look-up, if any; a failure here leaves it to the look-up. */
  private Optional<Destination> known(String domain) {
    try {
      return resolver.resolveCached(domain);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private CompletableFuture<Destination> resolveHere(String domain) {
    try {
      return CompletableFuture.completedFuture(resolver.resolve(domain));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Shutdown: look-ups in flight are interrupted (their expansion rolls back). */
  void close() {
    pool.shutdownNow();
  }
}
