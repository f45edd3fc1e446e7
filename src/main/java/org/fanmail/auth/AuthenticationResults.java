package org.fanmail.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Authentication-Results} field (RFC 8601) fanmail prepends to a received post, and the
 * ones it removes first: any such field whose authserv-id is ours ({@code fanmail.smtp.hostname})
 * came from outside and would otherwise pass for our verdict (§5). Fields of other authserv-ids and
 * {@code ARC-Authentication-Results} stay as they are: ARC sets are sealed, and another receiver's
 * result is no claim about ours.
 *
 * <p>The field is ASCII, folded with CRLF and a tab between its resinfo parts; comments are cut to
 * {@link #MAX_COMMENT} characters with parentheses and backslashes dropped, so nothing a poster's
 * DNS says can break the field's syntax.
 */
public final class AuthenticationResults {
  static final int MAX_COMMENT = 80;
  private static final String NAME = "Authentication-Results";

  private AuthenticationResults() {}

  /** The field, CRLF-terminated, for {@code verdict} under {@code authservId}. */
  public static byte[] render(String authservId, InboundVerdict verdict) {
    List<String> parts = new ArrayList<>();
    SpfCheck.Outcome spf = verdict.spf();
    String spfPart = "spf=" + spf.result().keyword() + comment(spf.result(), spf.reason());
    parts.add(
        spf.identity().equals("helo")
            ? spfPart + " smtp.helo=" + value(spf.domain())
            : spfPart + " smtp.mailfrom=" + mailfrom(spf.sender(), spf.domain()));
    if (verdict.dkim().isEmpty()) {
      parts.add("dkim=none");
    }
    for (DkimVerdict d : verdict.dkim()) {
      String c = d.passed() ? "" : " (" + clean(d.reason()) + ")";
      parts.add(
          "dkim="
              + d.result()
              + c
              + " header.d="
              + value(d.domain())
              + (d.selector() == null ? "" : " header.s=" + value(d.selector())));
    }
    DmarcCheck.Outcome dmarc = verdict.dmarc();
    String policy = dmarc.policy() == null ? "" : " (p=" + dmarc.policy() + ")";
    parts.add(
        "dmarc="
            + dmarc.result().keyword()
            + policy
            + (dmarc.fromDomain() == null ? "" : " header.from=" + value(dmarc.fromDomain())));
    String text = NAME + ": " + authservId + ";\r\n\t" + String.join(";\r\n\t", parts) + "\r\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The byte ranges {@code [start, end)} of the {@code Authentication-Results} fields in {@code
   * header} (a complete header section, CRLF line ends) whose authserv-id is {@code authservId}.
   */
  public static List<int[]> ownFields(byte[] header, String authservId) {
    List<int[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < header.length) {
      int end = fieldEnd(header, pos);
      if (end == pos) {
        break;
      }
      String field = new String(header, pos, end - pos, StandardCharsets.ISO_8859_1);
      int colon = field.indexOf(':');
      if (colon > 0
          && field.substring(0, colon).strip().equalsIgnoreCase(NAME)
          && authservId.equalsIgnoreCase(authservIdOf(field.substring(colon + 1)))) {
        out.add(new int[] {pos, end});
      }
      pos = end;
    }
    return out;
  }

  /** The end of the field starting at {@code pos}: past its last continuation line's CRLF. */
  private static int fieldEnd(byte[] h, int pos) {
    if (h[pos] == '\r' || h[pos] == '\n') {
      return pos;
    }
    int i = pos;
    while (i < h.length) {
      int lf = i;
      while (lf < h.length && h[lf] != '\n') {
        lf++;
      }
      i = lf + 1;
      if (i >= h.length || (h[i] != ' ' && h[i] != '\t')) {
        return Math.min(i, h.length);
      }
    }
    return h.length;
  }

  /** The first token of a field value, after white space and comments (RFC 8601 §2.2). */
  static String authservIdOf(String value) {
    int i = 0;
    int depth = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0 && !Character.isWhitespace(c)) {
        break;
      }
      i++;
    }
    int start = i;
    while (i < value.length()
        && value.charAt(i) != ';'
        && value.charAt(i) != '('
        && !Character.isWhitespace(value.charAt(i))) {
      i++;
    }
    String id = value.substring(start, i);
    if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) {
      id = id.substring(1, id.length() - 1);
    }
    return id.toLowerCase(Locale.ROOT);
  }

  private static String comment(SpfResult r, String reason) {
    return r == SpfResult.PASS || reason == null || reason.equals(r.keyword())
        ? ""
        : " (" + clean(reason) + ")";
  }

  private static String mailfrom(String sender, String domain) {
    // A local part outside dot-atom would need quoting: the domain says what was checked.
    int at = sender.lastIndexOf('@');
    String local = at < 0 ? "" : sender.substring(0, at);
    return local.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}") && !local.startsWith(".")
        ? value(sender)
        : value(domain);
  }

  /** A property value: kept when it is a plain token, else reduced to one. */
  private static String value(String v) {
    String s = v == null ? "" : v;
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c > 0x20 && c < 0x7f && "()<>,;:\\\"[]".indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.length() == 0 ? "unknown" : out.substring(0, Math.min(out.length(), 253));
  }

  private static String clean(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : (s == null ? "" : s).toCharArray()) {
      if (c >= 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\') {
        out.append(c);
      }
    }
    String t = out.toString().strip();
    return t.length() > MAX_COMMENT ? t.substring(0, MAX_COMMENT) : t;
  }
}
