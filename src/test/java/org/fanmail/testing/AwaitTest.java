package org.fanmail.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;

/**
 * The waits and the per-class sink can fail: a wait that never sees its condition reports what it
 * last saw, and a sink asked for outside its class's lifetime refuses instead of handing out a sink
 * nothing routes to.
 */
class AwaitTest {
  private static final Duration SHORT = Duration.ofMillis(100);

  @Test
  void untilIsFalseWhenTheConditionNeverHolds() {
    assertFalse(Await.until(SHORT, () -> false));
    AtomicInteger polls = new AtomicInteger();
    assertTrue(Await.until(Duration.ofSeconds(5), () -> polls.incrementAndGet() >= 3));
  }

  @Test
  void valueFailsWithWhatItLastSaw() {
    AtomicInteger n = new AtomicInteger();
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                Await.value(SHORT, () -> "the count never hit -1", n::incrementAndGet, v -> v < 0));
    assertTrue(e.getMessage().startsWith("the count never hit -1"), e.getMessage());
    assertTrue(e.getMessage().contains("last seen: " + n.get()), e.getMessage());
    assertEquals(7, Await.value(Duration.ofSeconds(5), () -> "seven", () -> 7, v -> v == 7));
  }

  @Test
  void valueReportsAReadThatThrows() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                Await.value(
                    SHORT,
                    () -> "never read",
                    () -> {
                      throw new IOException("no database");
                    },
                    v -> true));
    assertTrue(e.getMessage().contains("no database"), e.getMessage());
  }

  @Test
  void awaitMessageFailsNamingWhatTheSinkHolds() throws IOException {
    try (SmtpSink sink = SmtpSink.start("127.0.0.1")) {
      AssertionError e =
          assertThrows(
              AssertionError.class, () -> sink.awaitMessage(SHORT, "to nobody@x.test", m -> true));
      assertTrue(e.getMessage().contains("to nobody@x.test"), e.getMessage());
    }
  }

  @Test
  void aClassSinkIsOnlyThereWhileItsClassRuns() throws IOException {
    ClassSink perClass = new ClassSink(() -> SmtpSink.start("127.0.0.1"), sink -> {});
    assertThrows(IllegalStateException.class, perClass::sink);
    perClass.beforeAll(null);
    SmtpSink running = perClass.sink();
    int port = running.port("127.0.0.1");
    perClass.afterAll(null);
    assertThrows(IllegalStateException.class, perClass::sink);
    String greeting = greeting("127.0.0.1", port);
    assertFalse(greeting.contains(running.id()), "the sink still greets on port " + port);
  }

  /**
   * What a server on {@code port} says first, or empty when nothing accepts the connection or
   * nothing speaks (a closed ephemeral port may be taken again by another socket of this machine,
   * even another test run's sink, or a connection to it may connect to itself: only a greeting
   * naming the sink's id proves that sink there).
   */
  private static String greeting(String host, int port) {
    try (java.net.Socket s = new java.net.Socket(host, port)) {
      s.setSoTimeout(500);
      byte[] b = new byte[64];
      int n = s.getInputStream().read(b);
      return n <= 0 ? "" : new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
