package org.fanmail.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The body of an RFC 3464 {@code message/delivery-status} (or RFC 6533 global) part: a per-message
 * field group, then one group per recipient. Forgiving about what real MTAs send: folded lines, any
 * case, {@code rfc822;} / {@code utf-8;} address types with or without a space, angle brackets,
 * missing blank lines between recipients, a status only in the Diagnostic-Code.
 */
final class DeliveryStatusFields {
  private DeliveryStatusFields() {}

  static List<BouncedRecipient> parse(String body) {
    List<BouncedRecipient> out = new ArrayList<>();
    List<List<Map.Entry<String, String>>> groups = new ArrayList<>();
    for (String block : body.replace("\r\n", "\n").split("\n[ \t]*\n")) {
      List<Map.Entry<String, String>> fields = MimePart.headerFields(block.strip());
      // Some MTAs forget the blank line: a second recipient field opens a new group.
      List<Map.Entry<String, String>> current = new ArrayList<>();
      boolean hasRecipient = false;
      for (Map.Entry<String, String> f : fields) {
        boolean recipientField = f.getKey().equals("final-recipient");
        if (recipientField && hasRecipient) {
          groups.add(current);
          current = new ArrayList<>();
          hasRecipient = false;
        }
        hasRecipient |= recipientField;
        current.add(f);
      }
      groups.add(current);
    }
    for (List<Map.Entry<String, String>> g : groups) {
      String finalRecipient = null;
      String original = null;
      String action = null;
      String status = null;
      String diagnostic = null;
      for (Map.Entry<String, String> f : g) {
        switch (f.getKey()) {
          case "final-recipient" -> finalRecipient = address(f.getValue());
          case "original-recipient" -> original = address(f.getValue());
          case "action" ->
              action = f.getValue().strip().split("[\\s(;]", 2)[0].toLowerCase(Locale.ROOT);
          case "status" -> status = enhanced(f.getValue());
          case "diagnostic-code" -> diagnostic = typed(f.getValue());
          default -> {}
        }
      }
      String recipient = finalRecipient != null ? finalRecipient : original;
      if (recipient == null || recipient.isEmpty()) {
        continue;
      }
      if (status == null && diagnostic != null) {
        status = PlainTextBounce.statusIn(diagnostic);
      }
      if (status == null && diagnostic != null) {
        status = PlainTextBounce.statusOfReason(diagnostic);
      }
      if (action != null && action.startsWith("fail")) {
        action = "failed"; // "failure", seen from old MTAs
      }
      if (status == null && action != null) {
        // Status is required; without it the action still tells the class (RFC 3463 X.0.0).
        status = action.equals("failed") ? "5.0.0" : action.startsWith("delay") ? "4.0.0" : null;
      }
      if (action == null || action.isEmpty()) {
        action = status != null && status.startsWith("4") ? "delayed" : "failed";
      }
      String distinctOriginal =
          finalRecipient != null && original != null && !original.equalsIgnoreCase(finalRecipient)
              ? original
              : null;
      out.add(new BouncedRecipient(recipient, action, status, diagnostic, distinctOriginal));
      if (out.size() >= BounceParser.MAX_RECIPIENTS) {
        break;
      }
    }
    return out;
  }

  /** {@code rfc822; <a@b>} → {@code a@b}; an address without a type is taken as is. */
  static String address(String value) {
    String v = typed(value);
    if (v.startsWith("<") && v.endsWith(">")) {
      v = v.substring(1, v.length() - 1);
    }
    Matcher m = BounceParser.address().matcher(v);
    if (m.find()) {
      return m.group();
    }
    return v.contains("@") ? v.strip() : null;
  }

  /**
   * Drops an address or diagnostic type prefix ({@code rfc822;}, {@code smtp;}, {@code
   * X-Postfix;}).
   */
  private static String typed(String value) {
    String v = value.strip();
    int semi = v.indexOf(';');
    if (semi > 0 && semi < 20 && v.substring(0, semi).matches("[A-Za-z0-9-]+")) {
      v = v.substring(semi + 1).strip();
    }
    return v;
  }

  private static String enhanced(String value) {
    Matcher m = BounceParser.enhanced().matcher(value);
    return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
  }
}
