package org.fanmail.fanout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Whether an address is one that mail found through public DNS may go to. Loopback (127/8, ::1),
 * private (10/8, 172.16/12, 192.168/16, fc00::/7, the old fec0::/10), link-local (169.254/16,
 * fe80::/10), unspecified and "this network" (0/8, ::), broadcast and multicast addresses are not:
 * an MX or A/AAAA record pointing there would turn fanmail into a way into the networks behind it
 * (its own admin port, the metadata service of a cloud, internal SMTP servers). Pure; an
 * IPv4-mapped IPv6 address is judged as the IPv4 address it maps (Java hands those over as {@link
 * Inet4Address} already).
 */
public final class AddressScope {
  private AddressScope() {}

  /** True when {@code a} is a public unicast address. */
  public static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      boolean broadcast = (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
      return first != 0 && !broadcast;
    }
    if (a instanceof Inet6Address) {
      // fc00::/7, unique local addresses: IPv6's private ranges.
      return (b[0] & 0xfe) != 0xfc;
    }
    return true;
  }
}
