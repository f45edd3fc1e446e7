package org.fanmail.delivery;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fanmail.fanout.DmarcDns;
import org.fanmail.testing.TestPki;
import org.fanmail.testing.sink.SmtpSink;

/**
 * Delivery by MX records, with receivers' TLS policies: a dnsmasq names the MX hosts of {@code
 * sts.test} (MTA-STS enforce, listing its MX host), {@code stsbad.test} (MTA-STS enforce, listing
 * another host) and {@code nosts.test} (no policy), all on one TLS-capable {@link SmtpSink} at
 * {@value #MX} (allowed by {@code fanmail.delivery.allowed-mx-networks}, reached on the sink's port
 * as {@code fanmail.delivery.port}); a local HTTPS server serves the policies on {@code
 * fanmail.delivery.mta-sts-port}; the test authority that signed the sink's and the server's
 * certificates is {@code fanmail.delivery.tls-trust-store}. {@code shared1.test}, {@code
 * shared2.test} and {@code grabbed.test} (MTA-STS enforce, not listing it) share {@code
 * mx.shared.test}. Everything starts when the application is configured and is stopped, dnsmasq by
 * its PID, by {@link #stop}.
 */
public class TlsPolicyTestProfile implements QuarkusTestProfile {
  static final String MX = "127.0.5.1";

  static SmtpSink sink;
  static Process dnsmasq;
  static HttpsServer https;
  static int dnsPort;
  static Path dir;
  static final java.util.concurrent.atomic.AtomicInteger fetches =
      new java.util.concurrent.atomic.AtomicInteger();

  static synchronized void start() throws Exception {
    if (sink != null) {
      return;
    }
    dir = Files.createTempDirectory("fanmail-tls-e2e");
    TestPki pki = TestPki.create(Files.createDirectory(dir.resolve("ca")), "fanmail e2e CA");
    sink = SmtpSink.start(MX);
    sink.startTls(
        MX, pki.issue("mx.sts.test", "mx.stsbad.test", "mx.nosts.test", "mx.shared.test").server());
    https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
    https.setHttpsConfigurator(
        new HttpsConfigurator(
            pki.issue("mta-sts.sts.test", "mta-sts.stsbad.test", "mta-sts.grabbed.test").server()));
    https.createContext(
        "/.well-known/mta-sts.txt",
        exchange -> {
          fetches.incrementAndGet();
          String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":.*", "");
          String mx = host.equals("mta-sts.sts.test") ? "mx.sts.test" : "mx.elsewhere.test";
          byte[] body =
              ("version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 86400\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    https.start();
    dnsPort = DmarcDns.freePort();
    dnsmasq =
        DmarcDns.start(
            dnsPort,
            dir,
            List.of(
                "--mx-host=sts.test,mx.sts.test,10",
                "--mx-host=stsbad.test,mx.stsbad.test,10",
                "--mx-host=nosts.test,mx.nosts.test,10",
                "--host-record=mx.sts.test," + MX,
                "--host-record=mx.stsbad.test," + MX,
                "--host-record=mx.nosts.test," + MX,
                "--txt-record=_mta-sts.sts.test,v=STSv1; id=1",
                "--txt-record=_mta-sts.stsbad.test,v=STSv1; id=1",
                "--host-record=mta-sts.sts.test,127.0.0.1",
                "--host-record=mta-sts.stsbad.test,127.0.0.1",
                // Three domains on one provider's host, so grouped into one row: grabbed.test
                // publishes an enforce policy that does not list the shared host.
                "--mx-host=shared1.test,mx.shared.test,10",
                "--mx-host=shared2.test,mx.shared.test,10",
                "--mx-host=grabbed.test,mx.shared.test,10",
                "--host-record=mx.shared.test," + MX,
                "--txt-record=_mta-sts.grabbed.test,v=STSv1; id=1",
                "--host-record=mta-sts.grabbed.test,127.0.0.1"));
    Process started = dnsmasq;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroy)));
    Files.copy(pki.caPem(), dir.resolve("trust.pem"));
  }

  static synchronized void stop() throws Exception {
    DmarcDns.stop(dnsmasq);
    if (https != null) {
      https.stop(0);
    }
    if (sink != null) {
      sink.close();
    }
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.ofEntries(
        Map.entry("fanmail.delivery.dns-servers", "127.0.0.1:" + dnsPort),
        Map.entry("fanmail.delivery.allowed-mx-networks", "127.0.0.0/8"),
        Map.entry("fanmail.delivery.port", String.valueOf(sink.port(MX))),
        Map.entry("fanmail.delivery.mta-sts-port", String.valueOf(https.getAddress().getPort())),
        Map.entry("fanmail.delivery.tls-trust-store", dir.resolve("trust.pem").toString()),
        Map.entry("fanmail.delivery.tls", "opportunistic"),
        Map.entry("fanmail.delivery.retry-schedule", "1s,1s"),
        Map.entry("fanmail.delivery.scan-interval", "1s"),
        Map.entry("fanmail.delivery.helo-name", "fanmail.test"),
        Map.entry("fanmail.delivery.timeouts.connect", "2s"),
        Map.entry("fanmail.delivery.timeouts.command", "5s"),
        Map.entry("fanmail.delivery.timeouts.data", "5s"),
        Map.entry("fanmail.delivery.timeouts.data-done", "5s"));
  }
}
