package org.fanmail.mail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Fired (a CDI event) by the SMTP front end once its listener is bound: the address it was told to
 * listen on and the port it got. Delivery's start-up greeting observes it, so that it knows where
 * fanmail takes mail without depending on the front end.
 *
 * @param host {@code fanmail.smtp.host}: an address, a name, or a wildcard ({@code 0.0.0.0}, {@code
 *     ::})
 * @param port the bound port (the one chosen by the system when the configured port is 0)
 */
public record SmtpListening(String host, int port) {
  /**
   * Where this host reaches the listener: the loopback address of the wildcard's family for a
   * wildcard, else the host itself (a name is looked up).
   */
  public InetSocketAddress reachable() throws UnknownHostException {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress address = InetAddress.getByName(h.isEmpty() ? "0.0.0.0" : h);
    if (address.isAnyLocalAddress()) {
      address = InetAddress.getByName(address.getAddress().length == 4 ? "127.0.0.1" : "::1");
    }
    return new InetSocketAddress(address, port);
  }
}
