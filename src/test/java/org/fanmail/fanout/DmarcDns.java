package org.fanmail.fanout;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * dnsmasq on loopback for the tests (any zone through {@link #start(int, Path, List)}), and the
 * DMARC test zone: {@code strict.test} p=reject, {@code quarantine.test} p=quarantine with sp=none,
 * {@code own.quarantine.test} p=reject, {@code relaxed.test} p=none, {@code split.test}
 * p=quarantine in two strings, {@code spf-only.test} an SPF TXT only, {@code twice.test} two DMARC
 * records; every other name under {@code test} is NXDOMAIN. Answers carry a TTL of 600 s. Queries
 * are logged to {@code dnsmasq.log} in the given directory. Started and stopped by PID.
 */
public final class DmarcDns {
  public static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

  private DmarcDns() {}

  /**
   * A loopback port free for both UDP and TCP: dnsmasq listens on both, and a port free for UDP
   * only made it exit at start when a TCP socket held the same number (seen once in CI).
   */
  public static int freePort() throws IOException {
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
    throw new IOException("no loopback port free for both UDP and TCP after 50 tries");
  }

  static Process start(int port, Path dir) throws IOException {
    return start(
        port,
        dir,
        List.of(
            "--local-ttl=600",
            "--log-queries",
            "--txt-record=_dmarc.strict.test,v=DMARC1; p=reject",
            "--txt-record=_dmarc.quarantine.test,v=DMARC1; p=quarantine; sp=none",
            "--txt-record=_dmarc.own.quarantine.test,v=DMARC1; p=reject",
            "--txt-record=_dmarc.relaxed.test,v=DMARC1; p=none; rua=mailto:r@relaxed.test",
            "--txt-record=_dmarc.spf-only.test,v=spf1 -all",
            "--txt-record=_dmarc.twice.test,v=DMARC1; p=reject",
            "--txt-record=_dmarc.twice.test,v=DMARC1; p=none",
            // One record in two character-strings, joined without a separator (RFC 7489 §6.6.3).
            "--txt-record=_dmarc.split.test,v=DMARC1; ,p=quarantine"));
  }

  /**
   * dnsmasq on 127.0.0.1:{@code port} answering only for names under {@code test} (every other one
   * is NXDOMAIN) from {@code zone} (its record options); pid file, log and output in {@code dir}.
   */
  public static Process start(int port, Path dir, List<String> zone) throws IOException {
    if (!Files.isExecutable(DNSMASQ)) {
      throw new IllegalStateException("dnsmasq not installed: apt-get install dnsmasq-base");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                DNSMASQ.toString(),
                "--no-daemon",
                "--port=" + port,
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--pid-file=" + dir.resolve("dnsmasq.pid"),
                "--log-facility=" + dir.resolve("dnsmasq.log"),
                "--local=/test/"));
    command.addAll(zone);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("dnsmasq.out").toFile())
        .start();
  }

  public static void stop(Process p) throws InterruptedException {
    if (p != null) {
      ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
      p.waitFor();
    }
  }

  static String output(Path dir) {
    try {
      return Files.readString(dir.resolve("dnsmasq.out"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The query log so far. */
  public static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("dnsmasq.log"));
    } catch (IOException e) {
      return "";
    }
  }
}
