package org.fanmail.fanout;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;

/**
 * Routes delivery through a transport map to the {@link SmtpSink} of the test class that runs
 * ({@link #sinkPerClass()}): {@code a.test} and {@code b.test} share host 127.0.1.1 (so
 * group-by=host bundles them), {@code c.test} is 127.0.1.2, {@code d.test} 127.0.1.3, {@code
 * limits.test} 127.0.1.4 (LIMITS RCPTMAX=3), {@code drop.test} 127.0.1.5, {@code quiet-limit.test}
 * 127.0.1.6 (452 after 4 RCPTs, not advertised), {@code rel-a.test}, {@code rel-b.test} and {@code
 * rel-deny.test} share 127.0.1.8 (which relays for rel-b.test only when it opens the transaction),
 * {@code mailmax.test} 127.0.1.9 (LIMITS RCPTMAX=3 MAILMAX=2), {@code pf.test} Postfix's smtp-sink
 * on 127.0.1.50 while {@link PostfixSmtpSinkTest} runs it. Retries after a second, ten recipients
 * per transaction, small timeouts.
 *
 * <p>Every class of this profile shares one application, so the routes live in a file the
 * application re-reads when its modification time changes: a class's sink rewrites it with its own
 * ports when it starts, and points every domain at a closed port ({@code nowhere.test}'s) when it
 * stops, so mail a class leaves behind is deferred, never received by the next class.
 */
public class FanoutTestProfile implements QuarkusTestProfile {
  public static final String HOST_AB = "127.0.1.1";
  public static final String HOST_C = "127.0.1.2";
  public static final String HOST_D = "127.0.1.3";
  public static final String HOST_LIMITS = "127.0.1.4";
  public static final String HOST_DROP = "127.0.1.5";
  public static final String HOST_QUIET_LIMIT = "127.0.1.6";
  public static final String HOST_SHARED = "127.0.1.8";
  public static final String HOST_MAILMAX = "127.0.1.9";
  public static final String HOST_POSTFIX = "127.0.1.50";

  /** Nothing listens there: a connection is refused, so the recipient is deferred. */
  private static final String NOWHERE = "[127.0.1.7]:9";

  /** The test domains served by the sink, and the sink listener each is routed to. */
  private static final Map<String, String> DOMAIN_HOSTS = domainHosts();

  /** The one transport map file of the application; its content follows the running class. */
  private static final Path TRANSPORT_MAP = createTransportMap();

  /** A sink with this profile's listeners and settings, started and stopped with the class. */
  public static ClassSink sinkPerClass() {
    return new ClassSink(FanoutTestProfile::startSink, sink -> writeTransportMap(sink, 0));
  }

  /**
   * Rewrites the transport map: the test domains to {@code sink}'s listeners (to nowhere when
   * null), {@code pf.test} to {@code postfixPort} on {@link #HOST_POSTFIX} (to nowhere when 0). The
   * new file replaces the old in one rename with a later modification time, so the application
   * never reads half a map and never misses a change made within one clock tick of the last.
   */
  static synchronized void writeTransportMap(SmtpSink sink, int postfixPort) throws IOException {
    StringBuilder map = new StringBuilder("# test domains to the running class's sink\n");
    DOMAIN_HOSTS.forEach(
        (domain, host) ->
            map.append(domain)
                .append(' ')
                .append(sink == null ? NOWHERE : sink.nextHop(host))
                .append('\n'));
    map.append("nowhere.test ").append(NOWHERE).append('\n');
    map.append("pf.test ")
        .append(postfixPort == 0 ? NOWHERE : "[" + HOST_POSTFIX + "]:" + postfixPort)
        .append('\n');
    Path next = Files.createTempFile(TRANSPORT_MAP.getParent(), "fanmail-transport", ".next");
    Files.writeString(next, map, StandardCharsets.UTF_8);
    long previous =
        Files.exists(TRANSPORT_MAP) ? Files.getLastModifiedTime(TRANSPORT_MAP).toMillis() : 0;
    Files.setLastModifiedTime(
        next, FileTime.fromMillis(Math.max(System.currentTimeMillis(), previous + 1)));
    Files.move(next, TRANSPORT_MAP, StandardCopyOption.REPLACE_EXISTING);
  }

  private static SmtpSink startSink() throws IOException {
    return SmtpSink.start(
            HOST_AB,
            HOST_C,
            HOST_D,
            HOST_LIMITS,
            HOST_DROP,
            HOST_QUIET_LIMIT,
            HOST_SHARED,
            HOST_MAILMAX)
        .rcptMax(HOST_LIMITS, 3, true)
        .rcptMax(HOST_QUIET_LIMIT, 4, false)
        .relayOnlyFirst("rel-b.test")
        .rcptMax(HOST_MAILMAX, 3, true)
        .mailMax(HOST_MAILMAX, 2);
  }

  private static Map<String, String> domainHosts() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("a.test", HOST_AB);
    m.put("b.test", HOST_AB);
    m.put("c.test", HOST_C);
    m.put("d.test", HOST_D);
    m.put("limits.test", HOST_LIMITS);
    m.put("drop.test", HOST_DROP);
    m.put("quiet-limit.test", HOST_QUIET_LIMIT);
    m.put("rel-a.test", HOST_SHARED);
    m.put("rel-b.test", HOST_SHARED);
    m.put("rel-deny.test", HOST_SHARED);
    m.put("mailmax.test", HOST_MAILMAX);
    return Collections.unmodifiableMap(m);
  }

  private static Path createTransportMap() {
    try {
      Path dir = Files.createTempDirectory("fanmail-transport");
      return dir.resolve("transport.map");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Set<Class<?>> getEnabledAlternatives() {
    return Set.of(AdjustableInMemoryLimit.class);
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      if (!Files.exists(TRANSPORT_MAP)) {
        writeTransportMap(null, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.ofEntries(
        Map.entry("fanmail.delivery.transport-map", TRANSPORT_MAP.toString()),
        Map.entry("fanmail.delivery.max-recipients-per-transaction", "10"),
        Map.entry("fanmail.delivery.retry-schedule", "1s,1s"),
        Map.entry("fanmail.delivery.scan-interval", "1s"),
        Map.entry("fanmail.delivery.lease", "60s"),
        Map.entry("fanmail.delivery.max-connections-per-host", "2"),
        Map.entry("fanmail.delivery.tls", "none"),
        Map.entry("fanmail.delivery.helo-name", "fanmail.test"),
        Map.entry("fanmail.delivery.timeouts.connect", "2s"),
        Map.entry("fanmail.delivery.timeouts.data", "5s"),
        Map.entry("fanmail.delivery.timeouts.command", "5s"),
        Map.entry("fanmail.delivery.timeouts.data-done", "5s"));
  }
}
