package org.fanmail.decorate;

/**
 * What the header handlers know about the list a copy goes out for.
 *
 * @param address list address, lowercased ({@code dev@lists.example.org})
 * @param localPart {@code dev}
 * @param domain {@code lists.example.org}
 * @param name display name of the list
 * @param subjectPrefix prefix such as {@code [dev]}, or null for none
 * @param replyToList true when Reply-To is set to the list (reply_to = LIST)
 * @param unsubscribeUrl HTTPS link for List-Unsubscribe
 */
public record ListIdentity(
    String address,
    String localPart,
    String domain,
    String name,
    String subjectPrefix,
    boolean replyToList,
    String unsubscribeUrl) {

  /** A sub-address of the list: {@code dev-request@...} for suffix {@code request}. */
  public String subAddress(String suffix) {
    return localPart + "-" + suffix + "@" + domain;
  }
}
