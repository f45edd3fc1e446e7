package org.fanmail.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * SPF macro expansion (RFC 7208 §7) for domain-specs: {@code %{s}}, {@code %{l}}, {@code %{o}},
 * {@code %{d}}, {@code %{i}}, {@code %{p}}, {@code %{h}}, {@code %{v}} with the digit and {@code r}
 * transformers and the delimiters {@code .-+,/_=}; {@code %%}, {@code %_}, {@code %-}. The letters
 * {@code c}, {@code r}, {@code t} belong to explanations, which fanmail never builds, and are a
 * syntax error here. {@code %{p}} expands to {@code unknown} without a look-up: the RFC allows that
 * when no validated name is known and discourages the macro, and it would cost look-ups from the
 * limit on every use. A result longer than 253 characters loses labels on the left (§7.3).
 */
final class SpfMacros {
  private static final String DELIMITERS = ".-+,/_=";

  /** The values macros expand to for one check. */
  record Context(
      String sender,
      String localPart,
      String senderDomain,
      String domain,
      InetAddress ip,
      String helo) {}

  private SpfMacros() {}

  /** Refuses a macro-string that does not follow §7.1 (checked when the record is parsed). */
  static void checkSyntax(String spec) throws SpfRecord.SyntaxException {
    expand(spec, null);
  }

  /** Expands {@code spec}; with a null context only checks it. */
  static String expand(String spec, Context c) throws SpfRecord.SyntaxException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < spec.length(); i++) {
      char ch = spec.charAt(i);
      if (ch < 0x21 || ch > 0x7e) {
        throw new SpfRecord.SyntaxException("character out of range in " + spec);
      }
      if (ch != '%') {
        out.append(ch);
        continue;
      }
      if (i + 1 >= spec.length()) {
        throw new SpfRecord.SyntaxException("lone % in " + spec);
      }
      char next = spec.charAt(++i);
      switch (next) {
        case '%' -> out.append('%');
        case '_' -> out.append(' ');
        case '-' -> out.append("%20");
        case '{' -> {
          int close = spec.indexOf('}', i);
          if (close < 0) {
            throw new SpfRecord.SyntaxException("unclosed macro in " + spec);
          }
          out.append(macro(spec.substring(i + 1, close), c, spec));
          i = close;
        }
        default -> throw new SpfRecord.SyntaxException("bad macro %" + next + " in " + spec);
      }
    }
    String s = out.toString();
    while (s.length() > 253 && s.indexOf('.') >= 0) {
      s = s.substring(s.indexOf('.') + 1);
    }
    return s;
  }

  private static String macro(String body, Context c, String spec)
      throws SpfRecord.SyntaxException {
    if (body.isEmpty()) {
      throw new SpfRecord.SyntaxException("empty macro in " + spec);
    }
    char letter = body.charAt(0);
    char lower = Character.toLowerCase(letter);
    if ("slodiphv".indexOf(lower) < 0) {
      throw new SpfRecord.SyntaxException("macro letter not allowed here: " + letter);
    }
    int p = 1;
    int digits = 0;
    int start = p;
    while (p < body.length() && Character.isDigit(body.charAt(p))) {
      p++;
    }
    if (p > start) {
      if (p - start > 3 || body.charAt(start) == '0') {
        throw new SpfRecord.SyntaxException("bad digit transformer in " + spec);
      }
      digits = Integer.parseInt(body.substring(start, p));
    }
    boolean reverse = false;
    if (p < body.length() && (body.charAt(p) == 'r' || body.charAt(p) == 'R')) {
      reverse = true;
      p++;
    }
    String delimiters = body.substring(p);
    for (char d : delimiters.toCharArray()) {
      if (DELIMITERS.indexOf(d) < 0) {
        throw new SpfRecord.SyntaxException("bad delimiter in " + spec);
      }
    }
    if (c == null) {
      return "";
    }
    String value =
        switch (lower) {
          case 's' -> c.sender();
          case 'l' -> c.localPart();
          case 'o' -> c.senderDomain();
          case 'd' -> c.domain();
          case 'i' -> dotted(c.ip());
          case 'p' -> "unknown";
          case 'h' -> c.helo();
          default -> c.ip() instanceof Inet4Address ? "in-addr" : "ip6";
        };
    List<String> parts = split(value, delimiters.isEmpty() ? "." : delimiters);
    if (reverse) {
      Collections.reverse(parts);
    }
    if (digits > 0 && digits < parts.size()) {
      parts = parts.subList(parts.size() - digits, parts.size());
    }
    String joined = String.join(".", parts);
    return Character.isUpperCase(letter)
        ? URLEncoder.encode(joined, StandardCharsets.UTF_8).replace("+", "%20")
        : joined;
  }

  private static List<String> split(String value, String delimiters) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (char ch : value.toCharArray()) {
      if (delimiters.indexOf(ch) >= 0) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    parts.add(cur.toString());
    return parts;
  }

  /** {@code 192.0.2.1}, or an IPv6 address as 32 dot-separated nibbles (§7.3). */
  static String dotted(InetAddress ip) {
    if (ip instanceof Inet4Address) {
      return ip.getHostAddress();
    }
    StringBuilder s = new StringBuilder();
    for (byte b : ip.getAddress()) {
      if (s.length() > 0) {
        s.append('.');
      }
      s.append(Integer.toHexString((b >> 4) & 0xf))
          .append('.')
          .append(Integer.toHexString(b & 0xf));
    }
    return s.toString().toLowerCase(Locale.ROOT);
  }
}
