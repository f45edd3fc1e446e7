package org.fanmail.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of delivery: recipients by outcome, transactions by result, connections by
 * result, rows taken into memory by source (claim or handoff), the latency from a post's receipt to
 * its last delivery, and queue depth gauges (delivery rows pending in the database, as of the last
 * scan; deliveries held in memory).
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

  void recipient(RecipientOutcome.State outcome) {
    counter("fanmail.delivery.recipients", "outcome", outcome.name().toLowerCase()).increment();
  }

  void transaction(String result) {
    counter("fanmail.delivery.transactions", "result", result).increment();
  }

  void connection(boolean ok) {
    counter("fanmail.delivery.connections", "result", ok ? "ok" : "failed").increment();
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

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(
        name + "|" + value, k -> Counter.builder(name).tag(tag, value).register(registry));
  }
}
