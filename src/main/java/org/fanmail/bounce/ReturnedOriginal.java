package org.fanmail.bounce;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.mail.VerpAddress;

/**
 * The header block of the message a bounce returns (an attached {@code message/rfc822}, a {@code
 * text/rfc822-headers} part, or the copy pasted after the explanation), read for what it says about
 * whom the message was for. Two uses: the addresses that are the list's own (Sender, Errors-To,
 * Return-Path, List-*; not From, since a poster who is a member gets a copy too) are never the
 * failed recipient, and when the explanation names nobody, the original itself may: a VERP
 * Return-Path, the {@code for <a@b>} of a Received field the recipient's side added, or a To that
 * names one address. Empty (never null) when the bounce returns no headers; bounded by what {@link
 * MimePart} keeps.
 */
final class ReturnedOriginal {
  private static final Set<String> SENDER_FIELDS =
      Set.of(
          "sender",
          "errors-to",
          "return-path",
          "x-beenthere",
          "list-post",
          "list-help",
          "list-subscribe",
          "list-unsubscribe",
          "list-owner",
          "list-id");
  private static final Pattern RECEIVED_FOR =
      Pattern.compile("\\bfor\\s+<?(" + BounceParser.address().pattern() + ")>?");
  private static final Pattern INLINE_HEADERS =
      Pattern.compile(
          "(?im)^[ \\t>]*(?:Return-Path|Received|Message-ID|Date|From|To|Subject):[ \\t]");
  private static final int MAX_INLINE = 64 * 1024;

  private final List<Map.Entry<String, String>> headers;

  private ReturnedOriginal(List<Map.Entry<String, String>> headers) {
    this.headers = headers;
  }

  /**
   * The returned original of a bounce whose MIME parts (not descending into messages) are given.
   */
  static ReturnedOriginal of(List<MimePart> parts) {
    for (MimePart p : parts) {
      if ((p.type.equals("message/rfc822") || p.type.equals("message/global"))
          && !p.children.isEmpty()) {
        return new ReturnedOriginal(p.children.get(0).headers);
      }
      if (p.type.equals("text/rfc822-headers")) {
        return new ReturnedOriginal(MimePart.headerFields(p.text()));
      }
    }
    // A copy pasted into the text: from the first header-looking line to the first blank line.
    for (MimePart p : parts) {
      if (p.children.isEmpty() && p.type.startsWith("text/plain")) {
        String t = p.text().replace("\r\n", "\n");
        Matcher m = INLINE_HEADERS.matcher(t);
        if (m.find()) {
          int end = t.indexOf("\n\n", m.start());
          String block = t.substring(m.start(), end < 0 ? t.length() : end);
          if (block.length() > MAX_INLINE) {
            block = block.substring(0, MAX_INLINE);
          }
          // quoted copies ("> Received: ...") lose their quote marks
          block = block.replaceAll("(?m)^[ \\t]*> ?", "");
          return new ReturnedOriginal(MimePart.headerFields(block));
        }
      }
    }
    return new ReturnedOriginal(List.of());
  }

  /** Lower-cased addresses the original names as its sender or list: never a failed recipient. */
  Set<String> senderAddresses() {
    Set<String> out = new LinkedHashSet<>();
    for (Map.Entry<String, String> h : headers) {
      if (SENDER_FIELDS.contains(h.getKey())) {
        Matcher m = BounceParser.address().matcher(h.getValue());
        while (m.find()) {
          out.add(m.group().toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  /**
   * Who the original was for, by decreasing trust: the recipient encoded in a VERP Return-Path
   * ({@code x+user=host@domain}), the {@code for} clause of its topmost Received field that has
   * one, else its To when that names exactly one address that is not the sender's own.
   */
  List<String> recipientHints() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals("return-path")) {
        verp(h.getValue()).ifPresent(out::add);
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    Set<String> own = senderAddresses();
    // The topmost Received with a recipient was added last, on the way to the failed mailbox.
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals("received")) {
        Matcher m = RECEIVED_FOR.matcher(h.getValue());
        if (m.find() && !own.contains(m.group(1).toLowerCase(Locale.ROOT))) {
          return List.of(m.group(1));
        }
      }
    }
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals("to")) {
        List<String> to = new ArrayList<>();
        Matcher m = BounceParser.address().matcher(h.getValue());
        while (m.find()) {
          to.add(m.group());
        }
        if (to.size() == 1 && !own.contains(to.get(0).toLowerCase(Locale.ROOT))) {
          return to;
        }
        break;
      }
    }
    return List.of();
  }

  /** The recipient a VERP address ({@code anything+user=host@domain}) stands for. */
  private static java.util.Optional<String> verp(String value) {
    Matcher m = BounceParser.address().matcher(value);
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    String a = m.group();
    String local = a.substring(0, a.lastIndexOf('@'));
    int plus = local.lastIndexOf('+');
    if (plus < 0 || local.indexOf('=', plus) < 0) {
      return java.util.Optional.empty();
    }
    return VerpAddress.decodeArgument(local.substring(plus + 1));
  }
}
