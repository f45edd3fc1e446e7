package org.fanmail.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.HostPort;
import org.fanmail.mail.SmtpListening;
import org.jboss.logging.Logger;

/**
 * Once fanmail's SMTP listener is bound, the delivery client greets it: it connects through the
 * {@code NetClient} every runner uses and, with the code that delivers mail ({@link
 * OutboundConnector}, {@link OutboundSession}), reads the greeting, says EHLO (STARTTLS when the
 * listener offers it, any certificate taken) and QUIT. No mail is sent.
 *
 * <p>Why: the first post after a start used to open its connections with code the JVM had never
 * run, and with the client's one-time set-up still to do; after the greeting its copies leave
 * sooner (BENCHMARKS, seventeenth stop), and so does the first post taken in. It also tells the
 * operator at once when the listener does not answer SMTP from this host (a warning).
 *
 * <p>The greeting starts once the listener is bound (it may overlap the end of the start) and runs
 * on an event loop; nothing it meets fails the start. It counts in the SMTP listener's metrics (one
 * session from this host) but not in delivery's. Off with {@code fanmail.delivery.warm-up=false}.
 */
@ApplicationScoped
public class ListenerGreeting {
  private static final Logger LOG = Logger.getLogger(ListenerGreeting.class);

  private final Vertx vertx;
  private final DeliveryScheduler scheduler;
  private final boolean enabled;
  private final CompletableFuture<String> outcome = new CompletableFuture<>();

  public ListenerGreeting(Vertx vertx, DeliveryScheduler scheduler, FanmailConfig config) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.enabled = config.delivery().warmUp();
  }

  void onListening(@Observes SmtpListening listening) {
    if (!enabled) {
      outcome.complete("off");
      return;
    }
    InetSocketAddress to;
    try {
      to = listening.reachable();
    } catch (Exception e) {
      LOG.warnf("start-up greeting: %s:%d not found: %s", listening.host(), listening.port(), e);
      outcome.complete("failed: " + e.getMessage());
      return;
    }
    long started = System.nanoTime();
    Future<Void> greeting;
    try {
      greeting = greet(to);
    } catch (RuntimeException e) {
      greeting = Future.failedFuture(e);
    }
    greeting.onComplete(
        ar -> {
          long ms = (System.nanoTime() - started) / 1_000_000;
          if (ar.succeeded()) {
            LOG.debugf("start-up greeting of the SMTP listener at %s: %d ms", to, ms);
            outcome.complete("ok");
          } else {
            LOG.warnf(
                "start-up greeting: the SMTP listener at %s did not answer: %s",
                to, ar.cause().getMessage());
            outcome.complete("failed: " + ar.cause().getMessage());
          }
        });
  }

  /**
   * Connects to {@code to} on an event loop, says EHLO and QUIT; fails when no SMTP session could
   * be opened. Callable from any thread.
   */
  Future<Void> greet(InetSocketAddress to) {
    RunnerContext context = scheduler.runnerContext();
    SessionSettings s = context.session();
    SessionSettings settings =
        new SessionSettings(
            s.heloName(),
            TlsPolicy.opportunistic,
            s.timeouts(),
            host -> Future.succeededFuture(List.of(to.getAddress())),
            new DeliveryMetrics(new SimpleMeterRegistry()),
            s.certificates());
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(
        v ->
            OutboundConnector.open(
                    vertx,
                    context.client(),
                    List.of(new HostPort(to.getAddress().getHostAddress(), to.getPort())),
                    settings)
                .compose(OutboundSession::quit)
                .onComplete(done));
    return done.future();
  }

  /** How the greeting at start went: {@code ok}, {@code off}, or {@code failed: } and why. */
  CompletionStage<String> outcome() {
    return outcome;
  }
}
