package org.fanmail.fanout;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One network in CIDR notation ({@code 127.0.0.0/8}, {@code fd00::/8}; a bare address is a network
 * of one), as the operator writes it in {@code fanmail.delivery.allowed-mx-networks}. Parsing
 * refuses anything but a numeric address and a prefix length that fits it, so a typo stops start-up
 * instead of widening what DNS may reach.
 */
public record Cidr(byte[] network, int prefix) {

  /** Parses {@code address[/prefix]}; an IPv4 network never contains an IPv6 address. */
  public static Cidr parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (!addr.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException("not a numeric network: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a numeric network: " + text, e);
    }
    int bits = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length: " + text, e);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix length out of range: " + text);
    }
    return new Cidr(bytes, prefix);
  }

  /** True when {@code a} lies inside this network. */
  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (b[full] & mask) == (network[full] & mask);
  }
}
