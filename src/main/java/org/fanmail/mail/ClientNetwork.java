package org.fanmail.mail;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The network a client's per-address caps are counted on: an IPv4 address as it is, an IPv6 address
 * as its /64 (one site's subnet: a host on it can take any of its 2^64 addresses, so counting exact
 * IPv6 addresses caps nothing), an IPv4-mapped IPv6 address as its IPv4 address. Anything that is
 * not an address literal (a socket without a peer address) is its own key; no name is ever looked
 * up.
 */
public final class ClientNetwork {
  private ClientNetwork() {}

  /** The key of {@code ip}'s network, e.g. {@code 192.0.2.7} or {@code 2001:db8:0:1::/64}. */
  public static String of(String ip) {
    if (ip == null || ip.isEmpty() || !isLiteral(ip)) {
      return ip == null ? "unknown" : ip;
    }
    InetAddress address;
    try {
      // A literal is parsed, never resolved (isLiteral above keeps names out).
      address = InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      return ip;
    }
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        key.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
      }
      return key.append(":/64").toString().toLowerCase(Locale.ROOT);
    }
    return ip;
  }

  private static boolean isLiteral(String ip) {
    if (ip.indexOf(':') >= 0) {
      return true; // no host name contains a colon: only an IPv6 literal does
    }
    return ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }
}
