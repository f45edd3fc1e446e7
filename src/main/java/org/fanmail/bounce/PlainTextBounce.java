package org.fanmail.bounce;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recipients and statuses of a bounce that has no machine-readable status part. In order of trust:
 * DSN fields quoted in the text, Amazon SES JSON, the {@code X-Failed-Recipients} header (Exim),
 * addresses in the positions the common formats put them (qmail's {@code <a@b>:} paragraphs, Exim's
 * indented lines, Postfix's {@code <a@b>: host said}, Sendmail's {@code RCPT To:<a@b>}), and last
 * any address in the explanation that is not the bounce's own sender or receiver. The status is the
 * first enhanced code after the address (else anywhere in the text), else a basic reply code turned
 * into its class ({@code 550} → {@code 5.0.0}).
 */
final class PlainTextBounce {
  /**
   * An address that opens a line, as the formats list failed recipients: qmail's {@code <a@b>:},
   * Postfix's {@code <a@b>: host said}, Sendmail's {@code a@b... User unknown}, Exchange's {@code
   * a@b on <date>}, Exim's indented bare address, quoted or bracketed, alone on its line.
   */
  private static final Pattern LINE_OPENING =
      Pattern.compile(
          "(?im)^[ \\t]*[<\"'(]?+(ADDR)[>\"')]?(?=[ \\t]*(?::|$|\\.\\.\\.|\\(|\\[)|[ \\t]+on[ \\t])|RCPT TO:?[ \\t]*<(ADDR)>"
              .replace("ADDR", BounceParser.address().pattern()));

  /** An address after a word that introduces one ({@code Recipient: a@b}, {@code to <a@b>}). */
  private static final Pattern INTRODUCED =
      Pattern.compile(
          "(?im)(?:recipient|address(?:es)?|to|user|mailbox)[^\\n@]{0,40}?[:\\s][<\"']?(ADDR)"
              .replace("ADDR", BounceParser.address().pattern()));

  private static final Pattern QUOTED_HEADER =
      Pattern.compile("(?i)[ \\t>]*(?:to|cc|from|sent|date|subject)[ \\t]*:");
  private static final int MAX_LOOK_BACK = 200;
  private static final Pattern ADDRESS_TYPE = Pattern.compile("(?i)(?:smtp|rfc822)=");

  /** Sendmail's note under an alias's target: the address the sender used. */
  private static final Pattern EXPANDED_FROM =
      Pattern.compile(
          "(?i)^>?\\s*\\(expanded from:?\\s*<?(" + BounceParser.address().pattern() + ")>?\\)");

  private static final Pattern SES_ADDRESS =
      Pattern.compile("\"emailAddress\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern SES_STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern SES_DIAGNOSTIC =
      Pattern.compile("\"diagnosticCode\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Set<String> SERVICE_LOCALS =
      Set.of("postmaster", "mailer-daemon", "mailerdaemon", "mail-daemon", "root", "abuse");

  private PlainTextBounce() {}

  static List<BouncedRecipient> extract(
      MimePart top,
      String text,
      String subject,
      List<String> excluded,
      List<BouncedRecipient> dsn,
      List<String> originalRecipients) {
    boolean delayedMessage =
        (subject != null && BounceParser.delayed().matcher(subject).find())
            || BounceParser.delayed().matcher(text).find()
                && !text.toLowerCase(Locale.ROOT).contains("permanent");
    if (!dsn.isEmpty()) {
      return dsn;
    }
    List<BouncedRecipient> ses = ses(text);
    if (!ses.isEmpty()) {
      return ses;
    }
    Set<String> candidates = new LinkedHashSet<>();
    String failed = top.header("x-failed-recipients");
    if (failed != null) {
      // the MTA's own list: trusted even when it names the bounce's Reply-To
      addAll(candidates, BounceParser.address().matcher(failed), List.of());
    }
    // Then by decreasing trust in where the address stands; the first place that names one wins.
    if (candidates.isEmpty()) {
      addAll(candidates, LINE_OPENING.matcher(text), excluded);
    }
    boolean listed = !candidates.isEmpty();
    if (candidates.isEmpty()) {
      Matcher m = INTRODUCED.matcher(text);
      while (m.find()) {
        if (!onQuotedHeader(text, m.start(), m.end())) {
          addAll(candidates, m.group(1), excluded);
        }
      }
    }
    if (candidates.isEmpty()) {
      Matcher m = BounceParser.address().matcher(text);
      while (m.find()) {
        if (usable(m.group(), excluded) && !onQuotedHeader(text, m.start(), m.end())) {
          addAll(candidates, m.group(), excluded);
        }
      }
    }
    if (candidates.isEmpty()) {
      candidates.addAll(originalRecipients);
    } else if (!listed && candidates.size() > 1 && !originalRecipients.isEmpty()) {
      // Addresses merely mentioned in the prose: the original names its one recipient only when
      // it went to one (a Received "for", a personal To), so that one is the failed address.
      Set<String> hinted = new LinkedHashSet<>();
      for (String c : candidates) {
        if (originalRecipients.stream().anyMatch(c::equalsIgnoreCase)) {
          hinted.add(c);
        }
      }
      if (!hinted.isEmpty()) {
        candidates = hinted;
      }
    }
    List<BouncedRecipient> out = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    WholeText whole = new WholeText(text);
    for (String a : candidates) {
      int at = lower.indexOf(a.toLowerCase(Locale.ROOT));
      String after = at < 0 ? text : text.substring(at, Math.min(text.length(), at + 2000));
      // Nearest evidence first: a code after the address, then anywhere, then the words.
      String status = enhancedIn(after);
      String diagnostic = status == null ? null : diagnostic(after, status);
      if (status == null && whole.enhanced() != null) {
        status = whole.enhanced();
        diagnostic = whole.diagnostic(status);
      }
      if (status == null && (status = basicIn(after)) != null) {
        diagnostic = diagnostic(after, status);
      }
      if (status == null && whole.basic() != null) {
        status = whole.basic();
        diagnostic = whole.diagnostic(status);
      }
      if (status == null && (status = statusOfReason(after)) != null) {
        diagnostic = diagnostic(after, status);
      }
      if (status == null && whole.reason() != null) {
        status = whole.reason();
        diagnostic = whole.diagnostic(status);
      }
      if (status == null && subject != null && (status = statusOfReason(subject)) != null) {
        diagnostic = whole.diagnostic(status);
      }
      if (status == null) {
        // RFC 3463 "other or undefined": the notice says only that it failed, or is delayed.
        status = delayedMessage ? "4.0.0" : "5.0.0";
      }
      String action =
          status != null
              ? (status.startsWith("4") ? "delayed" : "failed")
              : delayedMessage ? "delayed" : "failed";
      String original = null;
      if (at >= 0) {
        Matcher expanded = EXPANDED_FROM.matcher(text).region(at + a.length(), text.length());
        if (expanded.lookingAt() && !expanded.group(1).equalsIgnoreCase(a)) {
          original = expanded.group(1);
        }
      }
      out.add(new BouncedRecipient(a, action, status, diagnostic, original));
      if (out.size() >= BounceParser.MAX_RECIPIENTS) {
        break;
      }
    }
    return out;
  }

  /**
   * What the whole explanation says, computed once: with many candidates, scanning the whole text
   * again for each would make a long bounce cost candidates × length.
   */
  private static final class WholeText {
    private final String text;
    private String enhanced;
    private String basic;
    private String reason;
    private int known; // bit 1 enhanced, 2 basic, 4 reason
    private final Map<String, String> diagnostics = new java.util.HashMap<>();

    WholeText(String text) {
      this.text = text;
    }

    String enhanced() {
      if ((known & 1) == 0) {
        enhanced = enhancedIn(text);
        known |= 1;
      }
      return enhanced;
    }

    String basic() {
      if ((known & 2) == 0) {
        basic = basicIn(text);
        known |= 2;
      }
      return basic;
    }

    String reason() {
      if ((known & 4) == 0) {
        reason = statusOfReason(text);
        known |= 4;
      }
      return reason;
    }

    String diagnostic(String status) {
      return diagnostics.computeIfAbsent(status, s -> PlainTextBounce.diagnostic(text, s));
    }
  }

  /** "To: a@b" quoted from the original's header says whom it was for, not who failed. */
  private static boolean onQuotedHeader(String text, int start, int end) {
    // Bounded look-back: a quoted field name stands close to its address, and a long line full
    // of addresses must not cost a scan back to its start for each one.
    int line = start;
    while (line > 0 && text.charAt(line - 1) != '\n') {
      if (start - line > MAX_LOOK_BACK) {
        return false;
      }
      line--;
    }
    return QUOTED_HEADER.matcher(text).region(line, end).lookingAt();
  }

  private static void addAll(Set<String> out, String address, List<String> excluded) {
    if (out.size() >= BounceParser.MAX_RECIPIENTS) {
      return;
    }
    String a = address.startsWith("'") ? address.substring(1) : address;
    // X.400-style "dda:SMTP=a@b" (Exchange): the address is what follows the type
    Matcher typed = ADDRESS_TYPE.matcher(a);
    if (typed.lookingAt()) {
      a = a.substring(typed.end());
    }
    if (!excluded.contains(a.toLowerCase(Locale.ROOT))) {
      out.add(a);
    }
  }

  /** Every group of {@code m}'s matches that is not an excluded address. */
  private static void addAll(Set<String> out, Matcher m, List<String> excluded) {
    while (m.find()) {
      for (int g = 0; g <= m.groupCount(); g++) {
        if (g == 0 && m.groupCount() > 0) {
          continue;
        }
        if (m.group(g) != null) {
          addAll(out, m.group(g), excluded);
        }
      }
    }
  }

  private static boolean usable(String address, List<String> excluded) {
    String a = address.toLowerCase(Locale.ROOT);
    if (excluded.contains(a)) {
      return false;
    }
    String local = a.substring(0, a.indexOf('@'));
    return !SERVICE_LOCALS.contains(local);
  }

  private static List<BouncedRecipient> ses(String text) {
    List<BouncedRecipient> out = new ArrayList<>();
    if (!text.contains("\"bouncedRecipients\"")) {
      return out;
    }
    String body = text.substring(text.indexOf("\"bouncedRecipients\""));
    Matcher a = SES_ADDRESS.matcher(body);
    while (a.find()) {
      String rest = body.substring(a.end(), Math.min(body.length(), a.end() + 2000));
      int next = rest.indexOf("\"emailAddress\"");
      if (next >= 0) {
        rest = rest.substring(0, next);
      }
      Matcher s = SES_STATUS.matcher(rest);
      Matcher d = SES_DIAGNOSTIC.matcher(rest);
      String diagnostic = d.find() ? d.group(1) : null;
      String status = s.find() ? statusIn(s.group(1)) : null;
      if (status == null && diagnostic != null) {
        status = statusIn(diagnostic);
      }
      out.add(
          new BouncedRecipient(
              a.group(1),
              status != null && status.startsWith("4") ? "delayed" : "failed",
              status,
              diagnostic));
    }
    return out;
  }

  /**
   * Reasons as plain-text bounces word them, mapped to the RFC 3463 code that says the same; used
   * only when a bounce carries no code at all. Derived from the shared corpus; first match wins, so
   * the more specific phrases come first.
   */
  private static final List<Map.Entry<Pattern, String>> REASONS =
      List.of(
          reason(
              "mailbox (is )?full|over ?quota|quota exceeded|exceeded (the )?(local limit|storage)"
                  + "|mailbox.{0,20}exceeded|insufficient (disk )?space|\\u4e00\\u676f",
              "5.2.2"),
          reason(
              "(user|account|mailbox).{0,20}(disabled|suspended|inactive|expired|deactivated)"
                  + "|expired@",
              "5.2.1"),
          reason(
              "host (or domain name )?not found|domain (name )?not found|unrouteable|no mx"
                  + "|name service error|unknown domain|domain does not exist|host unknown",
              "5.1.2"),
          reason(
              "user unknown|unknown user|no such (user|mailbox|recipient|address)|does ?n[o']t exist"
                  + "|invalid (user|recipient|address|mailbox)|not a valid|address rejected|unknown recipient"
                  + "|recipient (address )?rejected|user not found|mailbox (not found|unavailable)"
                  + "|no mailbox|not listed|isn't a valid|doesn't have an account|account.{0,20}not exist"
                  + "|does-not-exist|not-exist|bad destination",
              "5.1.1"),
          reason("message (is )?too (large|big)|size (limit|exceeds)|exceeds .{0,30}size", "5.3.4"),
          reason("loop|too many hops", "5.4.6"),
          reason(
              "timed? ?out|too long in queue|could not be delivered for|cannot send message for"
                  + "|expired|retry time",
              "4.4.7"),
          reason(
              "connection refused|could not connect|unable to connect|network.{0,20}unreachable",
              "4.4.1"),
          reason(
              "spam|blocked|blacklist|denied|not (allowed|permitted|authorized)|policy"
                  + "|rejected|refused|filter|permission|restricted",
              "5.7.1"));

  private static Map.Entry<Pattern, String> reason(String regex, String status) {
    return Map.entry(Pattern.compile("(?i)(" + regex + ")"), status);
  }

  /** The status a bounce's words imply, or null. */
  static String statusOfReason(String s) {
    for (Map.Entry<Pattern, String> r : REASONS) {
      if (r.getKey().matcher(s).find()) {
        return r.getValue();
      }
    }
    return null;
  }

  /** The enhanced status in {@code s}, else a basic code's class, else null. */
  static String statusIn(String s) {
    String e = enhancedIn(s);
    return e != null ? e : basicIn(s);
  }

  private static String enhancedIn(String s) {
    Matcher m = BounceParser.enhanced().matcher(s);
    while (m.find()) {
      if (!m.group(1).equals("2")) {
        return m.group(1) + "." + m.group(2) + "." + m.group(3);
      }
    }
    return null;
  }

  private static String basicIn(String s) {
    Matcher m = BounceParser.basic().matcher(s);
    return m.find() ? m.group(1).charAt(0) + ".0.0" : null;
  }

  /** The line that carries the status, trimmed, as the diagnostic. */
  private static String diagnostic(String source, String status) {
    if (status == null) {
      return null;
    }
    for (String line : source.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty()
          && (l.contains(status) || BounceParser.basic().matcher(l).find())
          && l.length() > 4) {
        return l.length() > 500 ? l.substring(0, 500) : l;
      }
    }
    return null;
  }
}
