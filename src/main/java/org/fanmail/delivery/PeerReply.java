package org.fanmail.delivery;

import java.util.List;
import java.util.Locale;

/**
 * What a peer SMTP server said, as {@link SmtpConnection} read it: the three-digit code, the RFC
 * 3463 enhanced status code of its first line (parsed once, when the reply is read; {@code null}
 * when the line has none or one of another class than the code), and the lines as received, each
 * still starting with the code. {@link #text()} is the form kept in {@code last_reply}.
 *
 * <p>Not the server side's {@code smtp.SmtpReply} (what fanmail writes): that one holds text to
 * encode, with the code and enhanced code put in front of every line; this one holds lines a peer
 * wrote, whose continuation lines may or may not repeat the enhanced code, and its text must be
 * recorded as written.
 */
public record PeerReply(int code, String enhanced, List<String> lines) {
  public PeerReply {
    lines = List.copyOf(lines);
  }

  /** The reply made of {@code lines} as read (the code is that of the first line). */
  public static PeerReply of(List<String> lines) {
    String first = lines.get(0);
    int code = Integer.parseInt(first.substring(0, 3));
    return new PeerReply(code, enhancedAt(first, 4, (char) ('0' + code / 100)), lines);
  }

  /** A one-line reply, as {@code 550 5.1.1 no such user}. */
  public static PeerReply of(String line) {
    return of(List.of(line));
  }

  public boolean positive() {
    return code >= 200 && code < 300;
  }

  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }

  public boolean permanentFailure() {
    return code >= 500;
  }

  /**
   * The enhanced status this reply stands for: its own, else {@code 4.0.0} / {@code 5.0.0} from a
   * 4xx / 5xx code, else null.
   */
  public String status() {
    if (enhanced != null) {
      return enhanced;
    }
    return transientFailure() ? "4.0.0" : code >= 500 && code < 600 ? "5.0.0" : null;
  }

  /**
   * A permanent RCPT refusal that says "not here" rather than "no such mailbox": enhanced status
   * 5.7.1 (not authorized, the usual relay denial) or 5.1.2 (bad destination system), or any 5xx
   * that mentions relaying. A host shared by several domains may answer so for a domain it takes
   * only in a transaction of its own; 5.1.1 (no such user) is not one of these. The codes are
   * matched as prefixes, as they always were: 5.7.10 to 5.7.19 count as well.
   */
  public boolean relayRefusal() {
    if (!permanentFailure()) {
      return false;
    }
    if (enhanced != null && (enhanced.startsWith("5.7.1") || enhanced.startsWith("5.1.2"))) {
      return true;
    }
    return text().toLowerCase(Locale.ROOT).contains("relay");
  }

  /** {@code 550 5.1.1 no such user} (multi-line replies joined with a space). */
  public String text() {
    StringBuilder b = new StringBuilder();
    for (String line : lines) {
      if (b.length() > 0) {
        b.append(' ');
        b.append(line.length() > 4 ? line.substring(4) : "");
      } else {
        b.append(line.length() > 3 ? code + " " + line.substring(4) : String.valueOf(code));
      }
    }
    return b.toString().strip();
  }

  /**
   * The RFC 3463 code ({@code class.subject.detail}, one to three digits each) that starts at
   * {@code from} in {@code s}, if its class is {@code wantClass} (any of 2, 4, 5 when {@code 0});
   * else null. The code ends at the first character after it that is not a digit.
   */
  static String enhancedAt(String s, int from, char wantClass) {
    int n = s.length();
    if (from + 5 > n) {
      return null;
    }
    char c = s.charAt(from);
    if (wantClass == 0 ? c != '2' && c != '4' && c != '5' : c != wantClass) {
      return null;
    }
    if (s.charAt(from + 1) != '.') {
      return null;
    }
    int i = digits(s, from + 2);
    if (i == from + 2 || i - from - 2 > 3 || i >= n || s.charAt(i) != '.') {
      return null;
    }
    int end = digits(s, i + 1);
    if (end == i + 1 || end - i - 1 > 3) {
      return null;
    }
    return s.substring(from, end);
  }

  private static int digits(String s, int i) {
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }
}
