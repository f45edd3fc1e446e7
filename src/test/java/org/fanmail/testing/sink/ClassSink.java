package org.fanmail.testing.sink;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SmtpSink} owned by one test class: started on free ports before the class's first
 * test, pointed at (the application's routes rewritten to its ports) and closed after its last
 * test, so nothing a class leaves on the sink (messages, counters, scripted replies, fault scripts,
 * open connections) reaches the next class. Register it as {@code @RegisterExtension static final};
 * {@link #sink()} fails loudly outside the class's lifetime instead of handing out a sink nobody
 * routes to.
 */
public final class ClassSink implements BeforeAllCallback, AfterAllCallback {

  /** Starts the sink with the listeners and settings the class relies on. */
  @FunctionalInterface
  public interface Start {
    SmtpSink start() throws IOException;
  }

  /** Points the application at a started sink, or away from it ({@code null}) when it closes. */
  @FunctionalInterface
  public interface Routes {
    void pointAt(SmtpSink sink) throws IOException;
  }

  private final Start start;
  private final Routes routes;
  private volatile SmtpSink sink;

  public ClassSink(Start start, Routes routes) {
    this.start = start;
    this.routes = routes;
  }

  /** The running sink of this class. */
  public SmtpSink sink() {
    SmtpSink s = sink;
    if (s == null) {
      throw new IllegalStateException(
          "no sink running: register the ClassSink with @RegisterExtension on a static field");
    }
    return s;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    SmtpSink started = start.start();
    try {
      routes.pointAt(started);
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
    sink = started;
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    SmtpSink s = sink;
    sink = null;
    if (s == null) {
      return;
    }
    try {
      routes.pointAt(null);
    } finally {
      s.close();
    }
  }
}
