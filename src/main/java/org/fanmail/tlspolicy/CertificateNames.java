package org.fanmail.tlspolicy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Host names against certificates and MTA-STS {@code mx} patterns (RFC 6125 as RFC 8461 section 4.1
 * applies it): the DNS names of the subject alternative names (the subject's CN only when there are
 * none), compared case-insensitively without a trailing dot; {@code *.example.com} stands for
 * exactly one leftmost label; an IP literal host (a relay host given as {@code [192.0.2.1]}) only
 * against the certificate's IP address names. Pure functions.
 */
final class CertificateNames {
  private CertificateNames() {}

  /** Whether {@code cert} names {@code host} (an IP literal: among its IP address names). */
  static boolean matches(X509Certificate cert, String host) {
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (IP_LITERAL.matcher(literal).matches()) {
      return ipNames(cert).contains(canonicalIp(literal));
    }
    for (String name : dnsNames(cert)) {
      if (patternMatches(name, host)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code pattern} ({@code host} or {@code *.domain}) covers {@code host}. */
  static boolean patternMatches(String pattern, String host) {
    String p = normal(pattern);
    String h = normal(host);
    if (p.isEmpty() || h.isEmpty()) {
      return false;
    }
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      int firstDot = h.indexOf('.');
      return firstDot > 0 && h.substring(firstDot).equals(suffix) && suffix.length() > 1;
    }
    return !p.contains("*") && p.equals(h);
  }

  private static String normal(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** An IPv4 dotted quad or an IPv6 address (has a colon): never resolved, only parsed. */
  private static final Pattern IP_LITERAL =
      Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private static String canonicalIp(String literal) {
    try {
      // A literal is parsed without a look-up.
      return InetAddress.getByName(literal).getHostAddress();
    } catch (UnknownHostException e) {
      return literal;
    }
  }

  private static List<String> ipNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(7).equals(san.get(0))) {
            names.add(canonicalIp(String.valueOf(san.get(1))));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return names;
  }

  private static List<String> dnsNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(String.valueOf(rdn.getValue()));
          }
        }
      } catch (InvalidNameException e) {
        return List.of();
      }
    }
    return names;
  }
}
