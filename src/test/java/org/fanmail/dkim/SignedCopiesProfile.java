package org.fanmail.dkim;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.fanmail.fanout.DmarcDns;

/**
 * Delivery for {@link SignedCopiesTest}: routes from a transport map the test rewrites (the sink,
 * and a second list's domain back to fanmail's own SMTP port for two hops), and {@code
 * fanmail.delivery.dns-servers} at a loopback port reserved here where the test runs dnsmasq with
 * the key records it published (so a second hop validates the first hop's ARC chain through DNS).
 */
public class SignedCopiesProfile implements QuarkusTestProfile {
  static final Path TRANSPORT_MAP;
  static final int DNS_PORT;

  static {
    try {
      TRANSPORT_MAP = Files.createTempDirectory("fanmail-signed").resolve("transport.map");
      DNS_PORT = DmarcDns.freePort();
      routes(Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites the transport map to {@code routes} (domain → next hop), in one rename. */
  static synchronized void routes(Map<String, String> routes) throws IOException {
    StringBuilder map = new StringBuilder("nowhere.test [127.0.1.7]:9\n");
    routes.forEach((d, hop) -> map.append(d).append(' ').append(hop).append('\n'));
    Path next = Files.createTempFile(TRANSPORT_MAP.getParent(), "map", ".next");
    Files.writeString(next, map, StandardCharsets.UTF_8);
    long previous =
        Files.exists(TRANSPORT_MAP) ? Files.getLastModifiedTime(TRANSPORT_MAP).toMillis() : 0;
    Files.setLastModifiedTime(
        next, FileTime.fromMillis(Math.max(System.currentTimeMillis(), previous + 1000)));
    Files.move(next, TRANSPORT_MAP, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("fanmail.delivery.transport-map", TRANSPORT_MAP.toString()),
        Map.entry("fanmail.delivery.dns-servers", "127.0.0.1:" + DNS_PORT),
        Map.entry("fanmail.delivery.retry-schedule", "1s,1s"),
        Map.entry("fanmail.delivery.scan-interval", "1s"),
        Map.entry("fanmail.delivery.tls", "none"),
        Map.entry("fanmail.delivery.helo-name", "fanmail.test"),
        Map.entry("fanmail.delivery.timeouts.connect", "2s"));
  }
}
