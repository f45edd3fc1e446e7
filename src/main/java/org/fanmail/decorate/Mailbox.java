package org.fanmail.decorate;

import java.util.Locale;

/**
 * One author mailbox from a From (or Cc, Reply-To) field.
 *
 * @param displayName the decoded display name (RFC 2047 words decoded), empty when there is none
 * @param address the addr-spec as written ({@code local@domain}), source route removed
 */
public record Mailbox(String displayName, String address) {

  /** The domain of the address, lowercased, without a trailing dot; empty when there is none. */
  public String domain() {
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return "";
    }
    String d = address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
    if (d.startsWith("[")) {
      return "";
    }
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /**
   * The mailbox written back: {@code "Name" <address>}, or {@code <address>}; ASCII names quoted.
   */
  public String toHeaderText() {
    return displayName.isEmpty()
        ? "<" + address + ">"
        : EncodedWords.phrase(displayName) + " <" + address + ">";
  }
}
