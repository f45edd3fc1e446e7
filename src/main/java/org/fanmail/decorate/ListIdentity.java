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
 * @param unsubscribeUrl list-level HTTPS link for List-Unsubscribe (shared copies)
 * @param personalized true when each recipient gets its own copy: List-Unsubscribe is then added
 *     per recipient, not by the handlers
 * @param archiveUrl the list's archive page for {@code List-Archive} (RFC 2369), or null when the
 *     list's archive is not shown to its readers
 */
public record ListIdentity(
    String address,
    String localPart,
    String domain,
    String name,
    String subjectPrefix,
    boolean replyToList,
    String unsubscribeUrl,
    boolean personalized,
    String archiveUrl) {

  /** A list whose archive is not named in its copies. */
  public ListIdentity(
      String address,
      String localPart,
      String domain,
      String name,
      String subjectPrefix,
      boolean replyToList,
      String unsubscribeUrl,
      boolean personalized) {
    this(
        address,
        localPart,
        domain,
        name,
        subjectPrefix,
        replyToList,
        unsubscribeUrl,
        personalized,
        null);
  }

  /** A list whose copies are shared by all recipients of a transaction. */
  public ListIdentity(
      String address,
      String localPart,
      String domain,
      String name,
      String subjectPrefix,
      boolean replyToList,
      String unsubscribeUrl) {
    this(address, localPart, domain, name, subjectPrefix, replyToList, unsubscribeUrl, false);
  }

  /** A sub-address of the list: {@code dev-request@...} for suffix {@code request}. */
  public String subAddress(String suffix) {
    return localPart + "-" + suffix + "@" + domain;
  }
}
