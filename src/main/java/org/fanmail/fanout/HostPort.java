package org.fanmail.fanout;

import java.util.Locale;

/**
 * One candidate host of a destination and the port to use, in the text form kept in {@code
 * delivery.hosts}: {@code host:port}, an IPv6 literal in brackets ({@code [::1]:25}). The host is
 * lowercased; equality is textual, which is what grouping needs.
 */
public record HostPort(String host, int port) {
  public HostPort {
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host:port}, {@code [host]:port}, {@code host} (with {@code defaultPort}).
   * Brackets are removed; whether they meant "no MX look-up" is the caller's business.
   */
  public static HostPort parse(String text, int defaultPort) {
    String t = text.trim();
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '[' in " + text);
      }
      String host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (rest.isEmpty()) {
        return new HostPort(host, defaultPort);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("expected ':port' after ']' in " + text);
      }
      return new HostPort(host, Integer.parseInt(rest.substring(1)));
    }
    int colon = t.lastIndexOf(':');
    if (colon < 0 || t.indexOf(':') != colon) {
      return new HostPort(t, defaultPort);
    }
    return new HostPort(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
