package org.fanmail.shaping;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.fanmail.testing.sink.ThrottlingSink;

/**
 * Delivery by MX records to throttling sinks on loopback: a dnsmasq (started once, stopped by its
 * PID at JVM exit) serves {@code one.shaping.test} and {@code two.shaping.test} (MX {@code
 * mx1.site-a.test}, 127.0.2.1: the profile {@code site-a}), {@code three.shaping.test} and {@code
 * four.shaping.test} (MX {@code mx.site-b.test}, 127.0.2.2: no profile, one MX set) and {@code
 * five.shaping.test} (MX {@code mx.site-c.test}, also 127.0.2.2: another MX set, another site). One
 * {@link ThrottlingSink} listens on both addresses on the delivery port. Grouped by domain, a retry
 * schedule of five minutes (a retry within seconds is shaping's doing), and a shaping file whose
 * {@code site-a} suspends the site for 8 s on {@code 421 4.7.0 ... slow down}.
 */
public class ShapingTestProfile implements QuarkusTestProfile {
  static final String SITE_A = "127.0.2.1";
  static final String SITE_B = "127.0.2.2";

  static final String SHAPING =
      """
      defaults:
        connections: 4
      profiles:
        - name: site-a
          mx-suffixes: [.site-a.test]
          connections: 3
          initial-connections: 2
          rules:
            - name: slow-down
              code: 421
              enhanced: "4.7.0"
              text: "slow down"
              action: suspend
              for: 8s
      """;

  private static ThrottlingSink sink;
  private static Process dnsmasq;
  private static int dnsPort;
  private static Path dir;

  static synchronized ThrottlingSink sink() {
    start();
    return sink;
  }

  static synchronized Path shapingFile() {
    start();
    return dir.resolve("shaping.yaml");
  }

  /** Writes {@code yaml} as the shaping file with a modification time later than the last. */
  static synchronized void writeShaping(String yaml) throws IOException {
    start();
    write(yaml);
  }

  private static void write(String yaml) throws IOException {
    Path file = dir.resolve("shaping.yaml");
    long previous = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
    Path next = Files.createTempFile(dir, "shaping", ".next");
    Files.writeString(next, yaml, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(
        next, FileTime.fromMillis(Math.max(System.currentTimeMillis(), previous + 1000)));
    Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static void start() {
    if (dir != null) {
      return;
    }
    try {
      dir = Files.createTempDirectory("fanmail-shaping");
      write(SHAPING);
      sink = ThrottlingSink.start(SITE_A, SITE_B);
      dnsPort = freePort();
      dnsmasq =
          new ProcessBuilder(
                  "/usr/sbin/dnsmasq",
                  "--no-daemon",
                  "--port=" + dnsPort,
                  "--listen-address=127.0.0.1",
                  "--bind-interfaces",
                  "--no-resolv",
                  "--no-hosts",
                  "--local-ttl=600",
                  "--pid-file=" + dir.resolve("dnsmasq.pid"),
                  "--local=/test/",
                  "--mx-host=one.shaping.test,mx1.site-a.test,10",
                  "--mx-host=two.shaping.test,mx1.site-a.test,10",
                  "--host-record=mx1.site-a.test," + SITE_A,
                  "--mx-host=three.shaping.test,mx.site-b.test,10",
                  "--mx-host=four.shaping.test,mx.site-b.test,10",
                  "--host-record=mx.site-b.test," + SITE_B,
                  "--mx-host=five.shaping.test,mx.site-c.test,10",
                  "--host-record=mx.site-c.test," + SITE_B)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("dnsmasq.out").toFile())
              .start();
      Process started = dnsmasq;
      ThrottlingSink s = sink;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroy);
                    s.close();
                  }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port free for UDP and TCP (dnsmasq takes both). */
  private static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(0, loopback)) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, loopback)) {
          return port;
        } catch (IOException taken) {
          // held for TCP: another number
        }
      }
    }
    throw new IOException("no loopback port free for both UDP and TCP");
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    start();
    return Map.ofEntries(
        Map.entry("fanmail.delivery.dns-servers", "127.0.0.1:" + dnsPort),
        Map.entry("fanmail.delivery.allowed-mx-networks", "127.0.0.0/8"),
        Map.entry("fanmail.delivery.port", String.valueOf(sink.port())),
        Map.entry("fanmail.delivery.shaping-file", shapingFile().toString()),
        Map.entry("fanmail.delivery.group-by", "domain"),
        Map.entry("fanmail.delivery.retry-schedule", "5m"),
        Map.entry("fanmail.delivery.scan-interval", "1s"),
        Map.entry("fanmail.delivery.lease", "60s"),
        Map.entry("fanmail.delivery.tls", "none"),
        Map.entry("fanmail.delivery.helo-name", "fanmail.test"),
        Map.entry("fanmail.delivery.timeouts.connect", "2s"),
        Map.entry("fanmail.delivery.timeouts.command", "5s"),
        Map.entry("fanmail.delivery.timeouts.data", "5s"),
        Map.entry("fanmail.delivery.timeouts.data-done", "5s"));
  }

  static List<String> domains() {
    return List.of(
        "one.shaping.test",
        "two.shaping.test",
        "three.shaping.test",
        "four.shaping.test",
        "five.shaping.test");
  }
}
