package org.fanmail.fanout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link FanoutTestProfile} (copies to the shared sink through the transport map) plus a dnsmasq
 * serving the DMARC test zone ({@link DmarcDns}) as {@code fanmail.delivery.dns-servers}. dnsmasq
 * is started once per JVM and stopped by its PID when the test class ends (or at JVM exit).
 */
public class DmarcTestProfile extends FanoutTestProfile {
  private static Process dnsmasq;
  private static int port;
  private static Path dir;

  static synchronized Path dnsDir() {
    if (dnsmasq == null) {
      try {
        dir = Files.createTempDirectory("fanmail-dmarc-e2e");
        port = DmarcDns.freePort();
        dnsmasq = DmarcDns.start(port, dir);
        Process started = dnsmasq;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroy)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  static synchronized void stopDns() throws InterruptedException {
    DmarcDns.stop(dnsmasq);
    dnsmasq = null;
  }

  static synchronized boolean dnsAlive() {
    return dnsmasq != null && dnsmasq.isAlive();
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    dnsDir();
    Map<String, String> out = new HashMap<>(super.getConfigOverrides());
    out.put("fanmail.delivery.dns-servers", "127.0.0.1:" + port);
    return out;
  }
}
