package org.fanmail.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One SPF record (RFC 7208 §4.5, §12) parsed whole before it is evaluated, so a syntax error
 * anywhere makes the check a {@code permerror} even when an earlier mechanism would have matched
 * (§4.6). Mechanisms keep their qualifier, their domain-spec still holding its macros, and their
 * CIDR lengths; of the modifiers only {@code redirect} matters here ({@code exp} is checked for
 * syntax only: fanmail never refuses on SPF, so it never explains a failure). Unknown modifiers are
 * ignored, unknown mechanisms are errors.
 *
 * @param mechanisms in record order
 * @param redirect the redirect domain-spec, or null
 */
public record SpfRecord(List<Mechanism> mechanisms, String redirect) {

  /** The mechanism kinds of §5. */
  public enum Kind {
    ALL,
    INCLUDE,
    A,
    MX,
    PTR,
    IP4,
    IP6,
    EXISTS
  }

  /**
   * One directive.
   *
   * @param qualifier {@code +}, {@code -}, {@code ~} or {@code ?}
   * @param domain the domain-spec (macros not expanded), the network for ip4/ip6, or null
   * @param ip4Prefix the IPv4 CIDR length (32 when absent)
   * @param ip6Prefix the IPv6 CIDR length (128 when absent)
   */
  public record Mechanism(char qualifier, Kind kind, String domain, int ip4Prefix, int ip6Prefix) {
    /** The result this mechanism gives when it matches. */
    public SpfResult result() {
      return switch (qualifier) {
        case '-' -> SpfResult.FAIL;
        case '~' -> SpfResult.SOFTFAIL;
        case '?' -> SpfResult.NEUTRAL;
        default -> SpfResult.PASS;
      };
    }
  }

  /** Thrown for a record that does not follow the grammar; the check becomes permerror. */
  public static final class SyntaxException extends Exception {
    SyntaxException(String message) {
      super(message);
    }
  }

  /** True when {@code txt} is meant as an SPF record: {@code v=spf1} then a space or the end. */
  public static boolean isSpf(String txt) {
    String t = txt.toLowerCase(Locale.ROOT);
    return t.equals("v=spf1") || t.startsWith("v=spf1 ");
  }

  /** Parses {@code txt}, which {@link #isSpf} accepted. */
  public static SpfRecord parse(String txt) throws SyntaxException {
    List<Mechanism> mechanisms = new ArrayList<>();
    String redirect = null;
    boolean exp = false;
    for (String term : txt.substring(6).split(" ")) {
      if (term.isEmpty()) {
        continue;
      }
      int eq = term.indexOf('=');
      int colonOrSlash = firstOf(term, ':', '/');
      if (eq > 0 && (colonOrSlash < 0 || eq < colonOrSlash)) {
        String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = term.substring(eq + 1);
        if (!name.matches("[a-z][a-z0-9_.-]*")) {
          throw new SyntaxException("bad modifier name: " + term);
        }
        if (name.equals("redirect")) {
          if (redirect != null) {
            throw new SyntaxException("redirect twice");
          }
          redirect = domainSpec(value, term);
        } else if (name.equals("exp")) {
          if (exp) {
            throw new SyntaxException("exp twice");
          }
          exp = true;
          domainSpec(value, term);
        } else {
          SpfMacros.checkSyntax(value);
        }
        continue;
      }
      mechanisms.add(mechanism(term));
    }
    return new SpfRecord(List.copyOf(mechanisms), redirect);
  }

  private static Mechanism mechanism(String term) throws SyntaxException {
    char q = '+';
    String t = term;
    if ("+-~?".indexOf(t.charAt(0)) >= 0) {
      q = t.charAt(0);
      t = t.substring(1);
    }
    int end = firstOf(t, ':', '/');
    String name = (end < 0 ? t : t.substring(0, end)).toLowerCase(Locale.ROOT);
    String rest = end < 0 ? "" : t.substring(end);
    Kind kind =
        switch (name) {
          case "all" -> Kind.ALL;
          case "include" -> Kind.INCLUDE;
          case "a" -> Kind.A;
          case "mx" -> Kind.MX;
          case "ptr" -> Kind.PTR;
          case "ip4" -> Kind.IP4;
          case "ip6" -> Kind.IP6;
          case "exists" -> Kind.EXISTS;
          default -> throw new SyntaxException("unknown mechanism: " + term);
        };
    switch (kind) {
      case ALL -> {
        if (!rest.isEmpty()) {
          throw new SyntaxException("all takes no argument: " + term);
        }
        return new Mechanism(q, kind, null, 32, 128);
      }
      case INCLUDE, EXISTS -> {
        if (!rest.startsWith(":")) {
          throw new SyntaxException(name + " needs a domain: " + term);
        }
        return new Mechanism(q, kind, domainSpec(rest.substring(1), term), 32, 128);
      }
      case PTR -> {
        if (rest.startsWith("/")) {
          throw new SyntaxException("ptr takes no CIDR: " + term);
        }
        String d = rest.isEmpty() ? null : domainSpec(afterColon(rest, term), term);
        return new Mechanism(q, kind, d, 32, 128);
      }
      case A, MX -> {
        String spec = rest;
        int[] prefixes = {32, 128};
        int slash = spec.indexOf('/');
        if (slash >= 0) {
          prefixes = dualCidr(spec.substring(slash), term);
          spec = spec.substring(0, slash);
        }
        String d = spec.isEmpty() ? null : domainSpec(afterColon(spec, term), term);
        return new Mechanism(q, kind, d, prefixes[0], prefixes[1]);
      }
      case IP4 -> {
        String v = afterColon(rest, term);
        int slash = v.indexOf('/');
        String addr = slash < 0 ? v : v.substring(0, slash);
        if (!addr.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})") || !octets(addr)) {
          throw new SyntaxException("bad ip4 network: " + term);
        }
        int p = slash < 0 ? 32 : cidr(v.substring(slash + 1), 32, term);
        return new Mechanism(q, kind, addr, p, 128);
      }
      case IP6 -> {
        String v = afterColon(rest, term);
        int slash = v.lastIndexOf('/');
        String addr = slash < 0 ? v : v.substring(0, slash);
        if (!addr.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
          throw new SyntaxException("bad ip6 network: " + term);
        }
        int p = slash < 0 ? 128 : cidr(v.substring(slash + 1), 128, term);
        return new Mechanism(q, kind, addr, 32, p);
      }
      default -> throw new SyntaxException("unknown mechanism: " + term);
    }
  }

  private static boolean octets(String addr) {
    for (String o : addr.split("\\.")) {
      if (Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  private static String afterColon(String rest, String term) throws SyntaxException {
    if (!rest.startsWith(":") || rest.length() == 1) {
      throw new SyntaxException("expected ':' and a value: " + term);
    }
    return rest.substring(1);
  }

  /** {@code /24}, {@code //64} or {@code /24//64}. */
  private static int[] dualCidr(String text, String term) throws SyntaxException {
    int ip4 = 32;
    int ip6 = 128;
    String t = text;
    if (t.startsWith("/") && !t.startsWith("//")) {
      int next = t.indexOf("//");
      ip4 = cidr(next < 0 ? t.substring(1) : t.substring(1, next), 32, term);
      t = next < 0 ? "" : t.substring(next);
    }
    if (t.startsWith("//")) {
      ip6 = cidr(t.substring(2), 128, term);
      t = "";
    }
    if (!t.isEmpty()) {
      throw new SyntaxException("bad CIDR length: " + term);
    }
    return new int[] {ip4, ip6};
  }

  private static int cidr(String digits, int max, String term) throws SyntaxException {
    // RFC 7208 §5.6: no leading zeros, at most the address length.
    if (!digits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(digits) > max) {
      throw new SyntaxException("bad CIDR length: " + term);
    }
    return Integer.parseInt(digits);
  }

  private static String domainSpec(String value, String term) throws SyntaxException {
    if (value.isEmpty()) {
      throw new SyntaxException("empty domain-spec: " + term);
    }
    SpfMacros.checkSyntax(value);
    return value;
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    if (i < 0) {
      return j;
    }
    return j < 0 ? i : Math.min(i, j);
  }

  /** The one record among {@code texts}, empty when none; a syntax error for several. */
  static Optional<String> select(List<String> texts) throws SyntaxException {
    List<String> spf = texts.stream().filter(SpfRecord::isSpf).toList();
    if (spf.size() > 1) {
      throw new SyntaxException("more than one SPF record");
    }
    return spf.stream().findFirst();
  }
}
