package org.fanmail.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * VERP envelope senders of personalized copies: {@code list-bounces+user=host=TAG@domain} for the
 * recipient {@code user@host}, so a bounce names the recipient in the address it comes back to;
 * {@code TAG} ({@link VerpTags}, 8 base32 characters) signs list and recipient, so that only a
 * bounce to an address fanmail wrote counts against a member.
 *
 * <p>Encoding: the result must be a plain RFC 5321 dot-atom; {@code =} occurs once for the
 * recipient's {@code @} and once more before the tag, never inside user or host. Letters, digits,
 * and {@code !#$&'*+-/?^_`{|}} are kept; {@code .} is kept unless it would make two dots in a row
 * or stand first in the local part; every other octet (of the UTF-8 form) is written {@code ~XX}
 * with two upper-case hex digits, so {@code =}, {@code ~}, {@code %}, spaces and quotes of a quoted
 * local part, and UTF-8 local parts are escaped. The host is lowercased. Plain addresses ({@code
 * alice@example.org}) come out readable: {@code dev-bounces+alice=example.org@lists.example.org}.
 *
 * <p>Decoding ({@link #decode}) splits at the {@code =} signs and undoes the escapes; it refuses
 * anything {@link #encode} cannot have produced, and accepts the untagged form of addresses written
 * before tags existed ({@link #tagOf} then finds none, and such a bounce is not scored). The tag
 * adds 9 octets; the VERP local part of a long address may exceed the 64 octets RFC 5321 names as a
 * minimum servers must take. Real servers take longer local parts and list servers have long sent
 * them, so no fallback is made; the tag is kept short (40 bits) so that fewer cross the line.
 */
public final class VerpAddress {
  private static final String KEPT = "!#$&'*+-/?^_`{|}";
  private static final char ESCAPE = '~';
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private VerpAddress() {}

  /**
   * The signed VERP sender for {@code recipient}: {@code bouncesLocal+user=host=TAG@domain}.
   *
   * @param tag {@link VerpTags#tag} for the list and {@code recipient}
   */
  public static String encode(String bouncesLocal, String recipient, String domain, String tag) {
    String plain = encode(bouncesLocal, recipient, domain);
    int at = plain.lastIndexOf('@');
    return plain.substring(0, at) + '=' + tag + plain.substring(at);
  }

  /**
   * The untagged VERP sender for {@code recipient}: {@code bouncesLocal+user=host@domain}, the form
   * of addresses from before tags (a bounce to it is recorded, not scored).
   *
   * @param bouncesLocal {@code dev-bounces}
   * @param recipient the recipient address ({@code local@host})
   * @param domain the list's domain
   */
  public static String encode(String bouncesLocal, String recipient, String domain) {
    int at = recipient.lastIndexOf('@');
    String user = at < 0 ? recipient : recipient.substring(0, at);
    String host = at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(bouncesLocal.length() + recipient.length() + 16);
    b.append(bouncesLocal).append('+');
    escape(user, b);
    b.append('=');
    escape(host, b);
    return b.append('@').append(domain).toString();
  }

  /**
   * The recipient named in the VERP local part {@code local} ({@code dev-bounces+user=host}, the
   * part before the {@code @} of the address the bounce came to), or empty when it is not one.
   */
  public static Optional<String> decode(String bouncesLocal, String local) {
    String prefix = bouncesLocal + "+";
    if (!local.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.empty();
    }
    return decodeArgument(local.substring(prefix.length()));
  }

  /**
   * The recipient named by the part of a VERP local part after the {@code +} ({@code user=host},
   * escapes undone), or empty when it is not one.
   */
  public static Optional<String> decodeArgument(String rest) {
    int eq = rest.indexOf('=');
    int end = rest.length();
    if (eq != rest.lastIndexOf('=')) {
      if (tagOf(rest).isEmpty()) {
        return Optional.empty();
      }
      end = rest.lastIndexOf('=');
    }
    if (eq <= 0 || eq >= end - 1) {
      return Optional.empty();
    }
    Optional<String> user = unescape(rest.substring(0, eq));
    Optional<String> host = unescape(rest.substring(eq + 1, end));
    if (user.isEmpty() || host.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(user.get() + "@" + host.get());
  }

  /**
   * The tag of a VERP argument ({@code user=host=TAG}): exactly two {@code =} and {@link
   * VerpTags#TAG_CHARS} base32 characters after the second; empty for an untagged or malformed
   * argument.
   */
  public static Optional<String> tagOf(String rest) {
    int first = rest.indexOf('=');
    int last = rest.lastIndexOf('=');
    if (first < 0 || first == last || rest.indexOf('=', first + 1) != last) {
      return Optional.empty();
    }
    String tag = rest.substring(last + 1);
    if (tag.length() != VerpTags.TAG_CHARS) {
      return Optional.empty();
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = Character.toLowerCase(tag.charAt(i));
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return Optional.empty();
      }
    }
    return Optional.of(tag);
  }

  private static void escape(String s, StringBuilder b) {
    byte[] octets = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < octets.length; i++) {
      int c = octets[i] & 0xff;
      boolean kept =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (c < 128 && KEPT.indexOf(c) >= 0)
              || (c == '.' && i > 0 && octets[i - 1] != '.');
      if (kept) {
        b.append((char) c);
      } else {
        b.append(ESCAPE).append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }

  private static Optional<String> unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ESCAPE) {
        int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c > 127) {
        return Optional.empty();
      } else {
        out.write(c);
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }
}
