package org.fanmail.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.fanmail.tlspolicy.TlsMode;

/**
 * Micrometer meters of delivery: recipients by outcome, transactions by result, connections by
 * result, rows taken into memory by source (claim or handoff), the latency from a post's receipt to
 * its last delivery, and queue depth gauges (delivery rows pending in the database, as of the last
 * scan; deliveries held in memory), and TLS: sessions by policy and use, certificate check failures
 * and hosts refused by policy; signatures made for outgoing copies by kind.
 */
@ApplicationScoped
public class DeliveryMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer latency;
  private final AtomicLong pendingDeliveries = new AtomicLong();
  private final AtomicLong inMemory = new AtomicLong();

  public DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("fanmail.post.delivery.latency")
            .description("time from receiving a post to its last recipient's final outcome")
            .register(registry);
    registry.gauge("fanmail.queue.depth", pendingDeliveries);
    registry.gauge("fanmail.queue.in.memory", inMemory);
  }

  /**
   * {@code n} signatures made for outgoing copies: {@code kind} {@code dkim} (one per active key
   * per signed copy) or {@code arc} (one per ARC set: its message signature and seal).
   */
  void signed(String kind, long n) {
    counter("fanmail.delivery.signatures", "kind", kind).increment(n);
  }

  void recipient(RecipientOutcome.State outcome) {
    counter("fanmail.delivery.recipients", "outcome", outcome.name().toLowerCase()).increment();
  }

  void transaction(String result) {
    counter("fanmail.delivery.transactions", "result", result).increment();
  }

  void connection(boolean ok) {
    counter("fanmail.delivery.connections", "result", ok ? "ok" : "failed").increment();
  }

  /** A session opened under TLS policy {@code mode}, over TLS or not. */
  void tlsSession(TlsMode mode, boolean used) {
    tagged("fanmail.delivery.tls.sessions", "policy", mode.name(), "tls", String.valueOf(used))
        .increment();
  }

  /** A certificate that failed the check of {@code mode} (refused, or only reported in testing). */
  void tlsCheckFailed(TlsMode mode) {
    counter("fanmail.delivery.tls.check.failures", "policy", mode.name()).increment();
  }

  /** A host its TLS policy refused before connecting (not listed by MTA-STS, bogus TLSA). */
  void tlsRefused(TlsMode mode) {
    counter("fanmail.delivery.tls.refused.hosts", "policy", mode.name()).increment();
  }

  /**
   * Delivery rows taken into memory, by how: {@code claim} (a claim statement) or {@code handoff}
   * (written already leased by this instance's expander).
   */
  void rows(String source, int n) {
    if (n > 0) {
      counter("fanmail.delivery.rows", "source", source).increment(n);
    }
  }

  void postDone(Duration sinceReceived) {
    latency.record(sinceReceived);
  }

  void queueDepth(long pending) {
    pendingDeliveries.set(pending);
  }

  void inMemory(long n) {
    inMemory.set(n);
  }

  private Counter tagged(String name, String tag1, String value1, String tag2, String value2) {
    return counters.computeIfAbsent(
        name + "|" + value1 + "|" + value2,
        k -> Counter.builder(name).tag(tag1, value1).tag(tag2, value2).register(registry));
  }

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(
        name + "|" + value, k -> Counter.builder(name).tag(tag, value).register(registry));
  }
}
