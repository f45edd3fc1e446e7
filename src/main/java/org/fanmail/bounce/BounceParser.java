package org.fanmail.bounce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells what a message sent to a bounce address is and, for bounces, which recipients failed with
 * which status. Pure and stateless; never throws on malformed input (the worst answer is {@link
 * BounceKind#NOT_A_BOUNCE} or a bounce with no recipients).
 *
 * <p>The order of questions matters because the signals overlap: many bounces carry {@code
 * Auto-Submitted: auto-replied} (Exim, Postfix), so abuse reports are recognised first, then
 * machine-readable DSNs (RFC 3464 {@code message/delivery-status}, RFC 6533 {@code
 * message/global-delivery-status}, wherever they sit in the MIME tree), then plain-text bounces by
 * their sender, subject and wording, and only what is left can be an auto-reply. Plain-text
 * recipients and statuses come from heuristics derived from a corpus of real bounces; see {@code
 * BounceCorpusTest} for how often they succeed.
 *
 * <p>Bounded: MIME parts over 1 MiB are ignored ({@link MimePart}), at most {@value
 * #MAX_RECIPIENTS} recipients are reported, the text scanned per message is capped.
 */
public final class BounceParser {
  public static final int MAX_RECIPIENTS = 1000;
  private static final int MAX_TEXT = 256 * 1024;

  private static final Pattern ADDRESS =
      Pattern.compile(
          "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");
  private static final Pattern ENHANCED =
      Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.]|\\.\\d)");
  private static final Pattern BASIC =
      Pattern.compile(
          "(?:^|[\\s:(\\[<\"-])([45][0-5]\\d)(?=[\\s\\-:)\\]]|$)(?![\\s]*(?:bytes|seconds|ms))",
          Pattern.MULTILINE);
  private static final Pattern DAEMON =
      Pattern.compile(
          "(?i)(mailer-?daemon|post_?master|-admin@|mail-?daemon|mail delivery|bounce|nobody@|"
              + "mdaemon|mailer@|mailerdaemon|delivery (sub)?system|administrator@)");
  private static final Pattern BOUNCE_SUBJECT =
      Pattern.compile(
          "(?i)(undeliver|undelivered|delivery status|delivery fail|delivery has failed|"
              + "delivery notification|failure notice|returned mail|returned to sender|"
              + "mail delivery|non-?deliver|could not be delivered|not be delivered|"
              + "delivery problem|mail failure|delivery error|unzustellbar|nicht zugestellt|"
              + "message not delivered|error sending|rejected|warning: could not send|"
              + "delayed mail|delivery delayed|delivery report|bounce|notice of non|"
              + "nondeliverable|mail system error|permanent error|failed mail|"
              + "aws notification|mail could not|message delivery|non remis|"
              + "unable to deliver|sending failed|cannot be delivered|loop alert|mail loop|"
              + "\u30a8\u30e9\u30fc|\u4e0d\u9054|error)");
  private static final Pattern BOUNCE_TEXT =
      Pattern.compile(
          "(?i)(this is the qmail-send program|mail delivery software|could not be delivered|"
              + "wasn't able to deliver|was not able to deliver|delivery has failed|"
              + "permanent fatal errors|undeliverable|unable to deliver|delivery to the following"
              + "|failed permanently|smtp error from remote|user unknown|no such user|"
              + "delivery failed|message was not delivered|could not deliver|returned to you|"
              + "following address(es)? failed|bouncetype|\"bounce\"|not delivered|invalid user|"
              + "invalid address|delivery problems|\u9001\u4fe1\u3067\u304d\u307e\u305b\u3093)");
  private static final Pattern VACATION_SUBJECT =
      Pattern.compile(
          "(?i)(out of (the )?office|automatic reply|auto(matic|-)? ?reply|autoreply|"
              + "auto-response|autoresponse|abwesenheit|vacation|away from|away until|"
              + "on leave|r[ée]ponse automatique|risposta automatica|respuesta autom|"
              + "automatische antwort|\\bOOO\\b|afwezig)");
  private static final Pattern CUT =
      Pattern.compile(
          "(?im)^(?:[ \\t>]*[-=_*]{2,}.*(?:original|copy of|returned|unsent|headers? of|"
              + "message (?:follows|headers)|below this line|rejected message)|"
              + "[ \\t]*(?:original message|the original message|"
              + "---+ ?begin message|content-type: message/rfc822)|Return-Path:|Received: )");
  private static final Pattern DELAYED =
      Pattern.compile(
          "(?i)(delayed|will (continue|be) (trying|retried|retry)|still trying|"
              + "has not yet been delivered|not been delivered yet|temporar)");

  private BounceParser() {}

  /** Parses {@code message} (the whole RFC 5322 message, any line ends). */
  public static BounceReport parse(byte[] message) {
    MimePart top = MimePart.parse(message);
    List<MimePart> parts = new ArrayList<>();
    top.walk(parts, false);

    if (isFeedbackReport(top, parts)) {
      return BounceReport.of(BounceKind.FEEDBACK_REPORT);
    }
    List<BouncedRecipient> dsn = new ArrayList<>();
    boolean statusPart = false;
    List<MimePart> searched = parts;
    if (parts.stream().noneMatch(BounceParser::isStatusPart)) {
      // A postmaster may forward the DSN it got as an attachment: its status part is inside.
      searched = new ArrayList<>();
      top.walk(searched, true);
    }
    for (MimePart p : searched) {
      if (isStatusPart(p)) {
        statusPart = true;
        dsn.addAll(DeliveryStatusFields.parse(p.text()));
      }
    }
    if (statusPart && !dsn.isEmpty()) {
      return new BounceReport(BounceKind.DSN, limit(dsn));
    }

    String subject = decodeWords(top.header("subject"));
    String from = top.header("from");
    String text = notificationText(parts);
    boolean daemon = from != null && DAEMON.matcher(from).find();
    boolean nullSender = "<>".equals(strip(top.header("return-path")));
    boolean bounceSubject = subject != null && BOUNCE_SUBJECT.matcher(subject).find();
    boolean bounceText = BOUNCE_TEXT.matcher(text).find();
    boolean autoReply = isAutoReply(top, subject);
    boolean bounce =
        statusPart
            || top.header("x-failed-recipients") != null
            || (daemon && (bounceSubject || bounceText))
            || (bounceSubject && bounceText)
            || (!autoReply && (daemon || nullSender) && !text.isBlank())
            || (!autoReply && bounceSubject);
    if (!bounce) {
      return BounceReport.of(autoReply ? BounceKind.AUTO_REPLY : BounceKind.NOT_A_BOUNCE);
    }
    ReturnedOriginal original = ReturnedOriginal.of(parts);
    List<String> excluded = excluded(top);
    excluded.addAll(original.senderAddresses());
    List<BouncedRecipient> found =
        PlainTextBounce.extract(
            top, text, subject, excluded, dsnInText(text), original.recipientHints());
    return new BounceReport(BounceKind.NON_STANDARD_BOUNCE, limit(found));
  }

  private static boolean isStatusPart(MimePart p) {
    return p.type.equals("message/delivery-status")
        || p.type.equals("message/global-delivery-status");
  }

  private static List<BouncedRecipient> dsnInText(String text) {
    Matcher m = Pattern.compile("(?im)^(final|original)-recipient:").matcher(text);
    return m.find() ? DeliveryStatusFields.parse(text.substring(m.start())) : List.of();
  }

  private static boolean isFeedbackReport(MimePart top, List<MimePart> parts) {
    if (top.type.equals("multipart/report")
        && "feedback-report".equalsIgnoreCase(top.params.getOrDefault("report-type", ""))) {
      return true;
    }
    for (MimePart p : parts) {
      if (p.type.equals("message/feedback-report")) {
        return true;
      }
    }
    String subject = top.header("subject");
    String from = top.header("from");
    // Hotmail / Outlook.com JMRP complaints predate ARF and say so only in their subject.
    return subject != null
        && subject.toLowerCase(Locale.ROOT).contains("complaint about message from")
        && from != null;
  }

  private static boolean isAutoReply(MimePart top, String subject) {
    String auto = top.header("auto-submitted");
    if (auto != null && auto.toLowerCase(Locale.ROOT).startsWith("auto-replied")) {
      return true;
    }
    if (top.header("x-autoreply") != null
        || top.header("x-autorespond") != null
        || top.header("x-autoresponder") != null) {
      return true;
    }
    String precedence = top.header("precedence");
    if (precedence != null && precedence.toLowerCase(Locale.ROOT).contains("auto_reply")) {
      return true;
    }
    return subject != null && VACATION_SUBJECT.matcher(subject).find();
  }

  /**
   * The human-readable explanation of a bounce: the text parts outside any attached message, each
   * cut where the returned copy of the original begins.
   */
  private static String notificationText(List<MimePart> parts) {
    StringBuilder sb = new StringBuilder();
    for (MimePart p : parts) {
      if (!p.children.isEmpty() || !(p.type.startsWith("text/") || p.type.contains("json"))) {
        continue;
      }
      if (p.type.equals("text/rfc822-headers")) {
        continue;
      }
      String t = p.text().replace("\r\n", "\n");
      if (p.type.equals("text/html")) {
        if (sb.length() > 0) {
          continue; // the plain alternative said it already
        }
        t = t.replaceAll("(?i)<br\\s*/?>|</p>|</div>|</tr>", "\n").replaceAll("<[^>]*>", " ");
        t =
            t.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&");
      }
      Matcher cut = CUT.matcher(t);
      if (cut.find() && cut.start() > 0) {
        t = t.substring(0, cut.start());
      }
      sb.append(t).append('\n');
      if (sb.length() > MAX_TEXT) {
        sb.setLength(MAX_TEXT);
        break;
      }
    }
    return sb.toString();
  }

  /** Addresses that are never the failed recipient: the bounce's own From and To. */
  private static List<String> excluded(MimePart top) {
    List<String> out = new ArrayList<>();
    for (String h : new String[] {"from", "to", "reply-to", "sender"}) {
      String v = top.header(h);
      if (v != null) {
        Matcher m = ADDRESS.matcher(v);
        while (m.find()) {
          out.add(m.group().toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  private static List<BouncedRecipient> limit(List<BouncedRecipient> all) {
    Map<String, BouncedRecipient> unique = new LinkedHashMap<>();
    for (BouncedRecipient r : all) {
      String key = r.recipient().toLowerCase(Locale.ROOT);
      BouncedRecipient seen = unique.get(key);
      if (seen == null || (seen.status() == null && r.status() != null)) {
        unique.put(key, r);
      }
      if (unique.size() >= MAX_RECIPIENTS) {
        break;
      }
    }
    return new ArrayList<>(unique.values());
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  /** RFC 2047 encoded words in a header, decoded as far as possible. */
  static String decodeWords(String value) {
    if (value == null || !value.contains("=?")) {
      return value;
    }
    Matcher m = Pattern.compile("=\\?([^?]+)\\?([bBqQ])\\?([^?]*)\\?=").matcher(value);
    StringBuilder sb = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String between = value.substring(last, m.start());
      if (!(last > 0 && between.isBlank())) {
        sb.append(between);
      }
      try {
        java.nio.charset.Charset cs = java.nio.charset.Charset.forName(m.group(1));
        byte[] bytes =
            m.group(2).equalsIgnoreCase("b")
                ? java.util.Base64.getMimeDecoder().decode(m.group(3))
                : MimePart.decode(
                    "quoted-printable",
                    m.group(3).replace('_', ' ').getBytes(StandardCharsets.ISO_8859_1));
        sb.append(new String(bytes, cs));
      } catch (RuntimeException e) {
        sb.append(m.group());
      }
      last = m.end();
    }
    sb.append(value.substring(last));
    return sb.toString();
  }

  static Pattern address() {
    return ADDRESS;
  }

  static Pattern enhanced() {
    return ENHANCED;
  }

  static Pattern basic() {
    return BASIC;
  }

  static Pattern delayed() {
    return DELAYED;
  }
}
