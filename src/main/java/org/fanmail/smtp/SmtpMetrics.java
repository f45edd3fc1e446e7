package org.fanmail.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP front end's meters: open sessions ({@code fanmail.smtp.sessions}), posts by outcome and
 * deciding rule ({@code fanmail.smtp.posts}), message bytes received ({@code
 * fanmail.smtp.bytes.received}) and replies by code class ({@code fanmail.smtp.replies}). Tag
 * values come from fixed sets (states, rule names, 2xx..5xx), never from client input.
 */
@ApplicationScoped
public class SmtpMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger sessions = new AtomicInteger();
  private final Counter bytes;
  private final Counter[] replies = new Counter[6];

  public SmtpMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("fanmail.smtp.sessions", sessions);
    this.bytes = registry.counter("fanmail.smtp.bytes.received");
    for (int i = 2; i < 6; i++) {
      replies[i] = registry.counter("fanmail.smtp.replies", "class", i + "xx");
    }
  }

  public void sessionOpened() {
    sessions.incrementAndGet();
  }

  public void sessionClosed() {
    sessions.decrementAndGet();
  }

  /** Sessions open now. */
  public int openSessions() {
    return sessions.get();
  }

  public void bytesReceived(long n) {
    bytes.increment(n);
  }

  public void reply(int code) {
    int c = code / 100;
    if (c >= 2 && c <= 5) {
      replies[c].increment();
    }
  }

  public void post(String outcome, String reason) {
    registry.counter("fanmail.smtp.posts", "outcome", outcome, "reason", reason).increment();
  }
}
