package org.fanmail.fanout;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.fanmail.testing.sink.SmtpSink;

/**
 * Points delivery at one shared {@link SmtpSink} through a transport map: {@code a.test} and {@code
 * b.test} share host 127.0.1.1 (so group-by=host bundles them), {@code c.test} is 127.0.1.2, {@code
 * d.test} 127.0.1.3, {@code limits.test} 127.0.1.4 (LIMITS RCPTMAX=3), {@code drop.test} 127.0.1.5,
 * {@code quiet-limit.test} 127.0.1.6 (452 after 4 RCPTs, not advertised), {@code rel-a.test},
 * {@code rel-b.test} and {@code rel-deny.test} share 127.0.1.8 (which relays for rel-b.test only
 * when it opens the transaction), {@code mailmax.test} 127.0.1.9 (LIMITS RCPTMAX=3 MAILMAX=2).
 * Retries after a second, ten recipients per transaction, small timeouts. The in-memory limit of
 * expansion is {@link AdjustableInMemoryLimit} (the production value until a test moves it).
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

  /** The port Postfix's smtp-sink is started on by its test ({@code pf.test} points there). */
  public static int postfixPort;

  private static SmtpSink sink;
  private static Path transportMap;

  /** The sink shared by every test of this profile (started once per JVM). */
  public static synchronized SmtpSink sink() {
    if (sink == null) {
      try {
        sink =
            SmtpSink.start(
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
        transportMap = Files.createTempFile("fanmail-transport", ".map");
        try (java.net.ServerSocket probe =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(HOST_POSTFIX))) {
          postfixPort = probe.getLocalPort();
        }
        Files.writeString(
            transportMap,
            "# test domains to sink addresses\n"
                + "a.test "
                + sink.nextHop(HOST_AB)
                + "\n"
                + "b.test "
                + sink.nextHop(HOST_AB)
                + "\n"
                + "c.test "
                + sink.nextHop(HOST_C)
                + "\n"
                + "d.test "
                + sink.nextHop(HOST_D)
                + "\n"
                + "limits.test "
                + sink.nextHop(HOST_LIMITS)
                + "\n"
                + "drop.test "
                + sink.nextHop(HOST_DROP)
                + "\n"
                + "quiet-limit.test "
                + sink.nextHop(HOST_QUIET_LIMIT)
                + "\n"
                + "rel-a.test "
                + sink.nextHop(HOST_SHARED)
                + "\n"
                + "rel-b.test "
                + sink.nextHop(HOST_SHARED)
                + "\n"
                + "rel-deny.test "
                + sink.nextHop(HOST_SHARED)
                + "\n"
                + "mailmax.test "
                + sink.nextHop(HOST_MAILMAX)
                + "\n"
                + "nowhere.test [127.0.1.7]:9\n"
                + "pf.test ["
                + HOST_POSTFIX
                + "]:"
                + postfixPort
                + "\n");
        SmtpSink started = sink;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sink;
  }

  @Override
  public Set<Class<?>> getEnabledAlternatives() {
    return Set.of(AdjustableInMemoryLimit.class);
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    sink();
    return Map.ofEntries(
        Map.entry("fanmail.delivery.transport-map", transportMap.toString()),
        Map.entry("fanmail.delivery.max-recipients-per-transaction", "10"),
        Map.entry("fanmail.delivery.retry-schedule", "1s,1s"),
        Map.entry("fanmail.delivery.scan-interval", "1s"),
        Map.entry("fanmail.delivery.lease", "60s"),
        Map.entry("fanmail.delivery.max-connections-per-host", "2"),
        Map.entry("fanmail.delivery.tls", "none"),
        Map.entry("fanmail.delivery.helo-name", "fanmail.test"),
        Map.entry("fanmail.delivery.timeouts.connect", "2s"),
        Map.entry("fanmail.delivery.timeouts.command", "5s"),
        Map.entry("fanmail.delivery.timeouts.data", "5s"),
        Map.entry("fanmail.delivery.timeouts.data-done", "5s"));
  }
}
