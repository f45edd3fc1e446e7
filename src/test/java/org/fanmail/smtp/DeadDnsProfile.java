package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fanmail.fanout.DmarcDns;

/**
 * Inbound checks on, their DNS a dnsmasq that forwards every name outside {@code test} to a server
 * that never answers (a UDP socket this profile holds and never reads): each look-up of {@code
 * dead.example} hangs until its timeout. A DNS budget of 2 s (query timeout 1 s) bounds the wait.
 * Started once per JVM; dnsmasq stopped by its PID at JVM exit.
 */
public class DeadDnsProfile implements QuarkusTestProfile {
  static final String BUDGET = "2s";
  private static DatagramSocket silent;
  private static Process dnsmasq;
  private static int port;

  static synchronized String server() {
    if (dnsmasq == null) {
      try {
        silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        Path dir = Files.createTempDirectory("fanmail-dead-dns");
        port = DmarcDns.freePort();
        dnsmasq =
            DmarcDns.start(
                port,
                dir,
                List.of(
                    "--server=127.0.0.1#" + silent.getLocalPort(),
                    "--txt-record=alive.test,v=spf1 -all"));
        Process started = dnsmasq;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroy)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return "127.0.0.1:" + port;
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.inbound-auth.enabled",
        "true",
        "fanmail.smtp.inbound-auth.dns-budget",
        BUDGET,
        "fanmail.smtp.inbound-auth.dns-query-timeout",
        "1s",
        "fanmail.delivery.dns-servers",
        server());
  }
}
